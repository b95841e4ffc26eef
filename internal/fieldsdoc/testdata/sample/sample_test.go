package sample

// InTest is declared in a test file, which the generator does not read.
type InTest struct {
	X int `json:"x"`
}
