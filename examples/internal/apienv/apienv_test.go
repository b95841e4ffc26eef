package apienv

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLookup(t *testing.T) {
	const none = ", or none of TCREDIT_BASE_URL, TCREDIT_APP_ID, TCREDIT_TOKEN_ID for the sandbox"
	for _, tt := range []struct {
		name    string
		env     map[string]string
		want    *API
		wantErr string
	}{
		{name: "none: the sandbox"},
		{name: "all three: the API",
			env:  map[string]string{"TCREDIT_BASE_URL": "http://127.0.0.1:1", "TCREDIT_APP_ID": "app", "TCREDIT_TOKEN_ID": "token"},
			want: &API{BaseURL: "http://127.0.0.1:1", AppID: "app", TokenID: "token"}},
		{name: "spaces around the values are dropped",
			env:  map[string]string{"TCREDIT_BASE_URL": " http://127.0.0.1:1\n", "TCREDIT_APP_ID": "\tapp ", "TCREDIT_TOKEN_ID": "token\r\n"},
			want: &API{BaseURL: "http://127.0.0.1:1", AppID: "app", TokenID: "token"}},
		{name: "spaces only are not set",
			env: map[string]string{"TCREDIT_BASE_URL": " ", "TCREDIT_APP_ID": "\t", "TCREDIT_TOKEN_ID": "\n"}},
		{name: "no base URL",
			env:     map[string]string{"TCREDIT_APP_ID": "app", "TCREDIT_TOKEN_ID": "token"},
			wantErr: "set TCREDIT_BASE_URL too" + none},
		{name: "base URL only",
			env:     map[string]string{"TCREDIT_BASE_URL": "http://127.0.0.1:1"},
			wantErr: "set TCREDIT_APP_ID and TCREDIT_TOKEN_ID too" + none},
		{name: "token of spaces",
			env:     map[string]string{"TCREDIT_BASE_URL": "http://127.0.0.1:1", "TCREDIT_APP_ID": "app", "TCREDIT_TOKEN_ID": "  "},
			wantErr: "set TCREDIT_TOKEN_ID too" + none},
		{name: "token only",
			env:     map[string]string{"TCREDIT_TOKEN_ID": "token"},
			wantErr: "set TCREDIT_BASE_URL and TCREDIT_APP_ID too" + none},
	} {
		t.Run(tt.name, func(t *testing.T) {
			api, err := Lookup(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				assert.EqualError(t, err, tt.wantErr)
				assert.Nil(t, api)
				return
			}
			assert.NoError(t, err)
			assert.Equal(t, tt.want, api)
		})
	}
}
