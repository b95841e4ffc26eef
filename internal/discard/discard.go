// Package discard holds the slog.Handler that drops every record: the logger of a
// Client, a callback handler or an h5 handler that was given none. The module's go.mod
// says Go 1.22, before log/slog had slog.DiscardHandler (Go 1.24).
package discard

import (
	"context"
	"log/slog"
)

// Handler is a slog.Handler that drops everything.
type Handler struct{}

// Enabled reports false for every level, so that nothing is formatted.
func (Handler) Enabled(context.Context, slog.Level) bool { return false }

// Handle drops r.
func (Handler) Handle(context.Context, slog.Record) error { return nil }

// WithAttrs returns h: attributes of nothing are nothing.
func (h Handler) WithAttrs([]slog.Attr) slog.Handler { return h }

// WithGroup returns h.
func (h Handler) WithGroup(string) slog.Handler { return h }
