package wire

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWithin(t *testing.T) {
	tests := []struct {
		name, path, step, want string
	}{
		{"root", "", "data", "data"},
		{"field", "code", "data", "data.code"},
		{"index", "[2].balance", "billInfos", "billInfos[2].balance"},
		{"index step", "balance", "[0]", "[0].balance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := within(&Error{Path: tt.path, Msg: "bad"}, tt.step)
			var e *Error
			assert.True(t, errors.As(err, &e))
			assert.Equal(t, tt.want, e.Path)
		})
	}
	t.Run("wrapped", func(t *testing.T) {
		inner := &Error{Path: "code", Msg: "bad"}
		err := within(fmt.Errorf("wrapped: %w", inner), "data")
		assert.Same(t, inner, err)
		assert.Equal(t, "data.code", inner.Path)
	})
	t.Run("no path to prefix", func(t *testing.T) {
		plain := errors.New("plain")
		assert.Same(t, plain, within(plain, "data"))
	})
}
