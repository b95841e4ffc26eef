//go:build ignore

package sample

// Ignored is declared in a file no build compiles.
type Ignored struct {
	X int `json:"x"`
}
