// Package apienv reads, for the examples, which API they call: the one that
// TCREDIT_BASE_URL, TCREDIT_APP_ID and TCREDIT_TOKEN_ID name when all three are set, or
// the embedded sandbox when none is. Only some of them set is an error, rather than a
// query on the sandbox that was meant for the API.
package apienv

import (
	"fmt"
	"strings"
)

// Vars are the variables that name the API, in the order of API's fields.
var Vars = [...]string{"TCREDIT_BASE_URL", "TCREDIT_APP_ID", "TCREDIT_TOKEN_ID"}

// API is the API that the environment names.
type API struct {
	BaseURL string
	AppID   string
	TokenID string // a secret: never print it
}

// Lookup returns the API that getenv names when all of Vars are set, nil when none is
// (the sandbox), and an error naming the missing ones when only some are. Spaces
// around a value are dropped, and a value of spaces only is not set.
func Lookup(getenv func(string) string) (*API, error) {
	var vals [len(Vars)]string
	var missing []string
	for i, name := range Vars {
		vals[i] = strings.TrimSpace(getenv(name))
		if vals[i] == "" {
			missing = append(missing, name)
		}
	}
	switch len(missing) {
	case 0:
		return &API{BaseURL: vals[0], AppID: vals[1], TokenID: vals[2]}, nil
	case len(Vars):
		return nil, nil
	}
	return nil, fmt.Errorf("set %s too, or none of %s for the sandbox", strings.Join(missing, " and "), strings.Join(Vars[:], ", "))
}
