package tcredit

import (
	"context"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A code that trims to nothing (a zero-width space, a BOM, a control character pasted
// with it) is refused before anything is sent: sent, it would carry no code at all and
// still spend one of the person's attempts.
func TestSubmitCodeBlankAfterTrimIsNotSent(t *testing.T) {
	for _, code := range []string{"\u200b", "\ufeff", "\x00", "\u200b\u2060"} {
		var sent atomic.Int64
		c := answeringServer(t, 200, func(f url.Values) string {
			sent.Add(1)
			return `{"status":0,"data":{"status":-2,"message":"code missing"}}`
		})
		err := c.SubmitCode(context.Background(), "T-1", code)
		require.ErrorIs(t, err, ErrInvalidInput, "code %q", code)
		assert.Zero(t, sent.Load(), "a request without its code reached the API")
	}
}
