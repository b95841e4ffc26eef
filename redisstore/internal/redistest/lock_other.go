//go:build !unix

package redistest

import "testing"

// lock does nothing here: run the module's tests with go test -p 1.
func lock(t testing.TB, addr string) {}
