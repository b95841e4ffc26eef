package tcredit

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServerBytesInTransportErrors covers what net/http itself quotes of a server's
// bytes: the Location of a redirect (its host kept in RedirectHost, or the whole of it
// when it does not parse) and a malformed header line. None of it may carry a secret of
// the request into an error.
func TestServerBytesInTransportErrors(t *testing.T) {
	const password, idCard = "hunter2-secret", "110101199003071234"
	for _, tt := range []struct {
		name   string
		answer func(w http.ResponseWriter, form string)
	}{
		{"the password in a redirect's host (an IPv6 zone takes any bytes)", func(w http.ResponseWriter, form string) {
			w.Header().Set("Location", "http://[fe80::1%25"+password+"%251b]/x")
			w.WriteHeader(http.StatusTemporaryRedirect)
		}},
		{"the form in a Location that does not parse", func(w http.ResponseWriter, form string) {
			if len(form) > 120 { // a WAF cuts its echo, perhaps inside a %XX escape
				form = form[:120]
			}
			w.Header().Set("Location", "/blocked/"+form+"%")
			w.WriteHeader(http.StatusFound)
		}},
		{"the form in a malformed header line", func(w http.ResponseWriter, form string) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nX-WAF-Echo "+form+"\r\nContent-Length: 0\r\n\r\n")
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ := io.ReadAll(r.Body)
				tt.answer(w, string(raw))
			}))
			defer srv.Close()
			c, err := NewClient(testAppID, testTokenID, WithBaseURL(srv.URL), noRetry)
			require.NoError(t, err)
			req := plainLogin
			req.Password, req.IDCard = password, idCard

			_, err = c.CreateTask(context.Background(), req)

			require.ErrorIs(t, err, ErrOutcomeUnknown)
			for _, verb := range []string{"%v", "%+v", "%#v"} {
				out := fmt.Sprintf(verb, err)
				assert.NotContains(t, out, password, verb)
				assert.NotContains(t, out, idCard, verb)
				assert.NotContains(t, out, "\x1b", verb)
			}
		})
	}
}
