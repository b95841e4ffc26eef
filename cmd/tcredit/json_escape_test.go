package main

import (
	"net/http/httptest"
	"testing"
)

// --json prints server strings through encoding/json, which escapes C0 controls but
// not C1 controls (U+009B CSI) nor bidi overrides (U+202E): the tool escapes those too.
func TestJSONOutputIsEscaped(t *testing.T) {
	for _, args := range [][]string{{"cities", "--json"}, {"params", "330100", "--json"}, {"get", "t1", "--json"}} {
		t.Run(args[0], func(t *testing.T) {
			ts := httptest.NewServer(&hostileServer{done: true})
			defer ts.Close()
			vars := map[string]string{"TCREDIT_APP_ID": "APP-1", "TCREDIT_TOKEN_ID": "T0KEN-9a8b7c", "TCREDIT_BASE_URL": ts.URL}
			e := testEnv(t)
			e.getenv = func(key string) string { return vars[key] }
			o := runCLI(t, e, lines(), args...)
			assertNothingForTheTerminal(t, o.stdout)
		})
	}
}
