package discard

import (
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHandlerDropsEverything(t *testing.T) {
	var h slog.Handler = Handler{}
	for _, level := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
		assert.False(t, h.Enabled(context.Background(), level), level)
	}
	assert.NoError(t, h.Handle(context.Background(), slog.Record{}))
	assert.Equal(t, h, h.WithAttrs([]slog.Attr{slog.String("k", "v")}))
	assert.Equal(t, h, h.WithGroup("g"))
}
