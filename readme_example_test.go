package tcredit_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// TestReadmeCallbacks compiles and runs the README's callback section: the lines
// between the BEGIN and END markers are the README's, word for word.
func TestReadmeCallbacks(t *testing.T) {
	srv := tcredittest.NewServer(tcredittest.WithStep(2 * time.Millisecond))
	defer srv.Close()
	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL))
	require.NoError(t, err)
	t.Setenv("CALLBACK_SECRET", "callback-secret-for-the-readme")
	mux := http.NewServeMux()

	// BEGIN README callbacks
	secret := os.Getenv("CALLBACK_SECRET") // long and random
	callbackURL, err := tcredit.CallbackURL("https://lender.example/fund/callback", secret)
	// register callbackURL with the provider

	mux.Handle("/fund/callback", tcredit.NewCallbackHandler(
		func(ctx context.Context, cb tcredit.Callback) error {
			client.Notify(cb)
			return nil
		},
		tcredit.WithCallbackSecret(secret),
	))
	// END README callbacks

	require.NoError(t, err)
	u, err := url.Parse(callbackURL)
	require.NoError(t, err)
	ts := httptest.NewServer(mux)
	defer ts.Close()
	resp, err := http.Post(ts.URL+u.RequestURI(), "application/x-www-form-urlencoded", strings.NewReader("tid=abc&status=40001"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

// TestReadmeShowsTheTestedCallbackCode keeps the README's callback section and the
// test above the same, line for line.
func TestReadmeShowsTheTestedCallbackCode(t *testing.T) {
	src, err := os.ReadFile("readme_example_test.go")
	require.NoError(t, err)
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(src), "// BEGIN README callbacks\n")
	require.True(t, ok)
	snippet, _, ok := strings.Cut(rest, "\t// END README callbacks")
	require.True(t, ok)
	var lines []string
	for _, line := range strings.Split(strings.TrimRight(snippet, "\n"), "\n") {
		lines = append(lines, strings.TrimPrefix(line, "\t"))
	}
	assert.Contains(t, string(readme), strings.Join(lines, "\n"))
}
