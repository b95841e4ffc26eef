package wire

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A value that cannot be read is quoted in the error, but never a whole ID card or
// mobile number.
func TestErrorsMaskDigitRuns(t *testing.T) {
	var v struct {
		N int `json:"n"`
	}
	err := Decode([]byte(`{"n":"430102199001011234X"}`), &v)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "n: cannot read")
	assert.NotContains(t, err.Error(), "430102199001011234")
	assert.Contains(t, err.Error(), `430**************4X`)

	// A run cut by the snippet's end is masked as a whole first.
	assert.Equal(t, `"tel 138**"…`, Snippet([]byte("tel 13812348000"), 9))
}
