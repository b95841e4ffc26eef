package tcredit

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/internal/wire"
)

// The failures a call can meet, each as roundTrip reports it.
var (
	errBusy       = &APIError{Endpoint: "e", Status: StatusBusy}
	errProcessing = &APIError{Endpoint: "e", Status: StatusProcessing}
	errRefused    = &APIError{Endpoint: "e", Status: StatusInvalidParams}
	errNotSent    = &transportError{endpoint: "e", err: io.EOF}
	errSent       = &transportError{endpoint: "e", sent: true, err: io.EOF}
	errCut        = &ResponseError{Endpoint: "e", HTTPStatus: http.StatusOK, Err: &cutBodyError{err: io.ErrUnexpectedEOF}}
	errHTTP502    = &ResponseError{Endpoint: "e", HTTPStatus: http.StatusBadGateway}
	errHTTP429    = &ResponseError{Endpoint: "e", HTTPStatus: http.StatusTooManyRequests}
	errHTTP404    = &ResponseError{Endpoint: "e", HTTPStatus: http.StatusNotFound}
	errNotJSON    = &ResponseError{Endpoint: "e", HTTPStatus: http.StatusOK, Err: &wire.Error{Msg: "invalid character"}}
	errBadValue   = &ResponseError{Endpoint: "e", HTTPStatus: http.StatusOK, Err: &wire.Error{Path: "data.code", Msg: "not a number"}}
	errOther      = errors.New("something else")
)

func TestRetryable(t *testing.T) {
	read, billed := epGetFund, epCreateTask
	tests := []struct {
		name   string
		ep     endpoint
		err    error
		reason string // "" for no retry
	}{
		{"read busy", read, errBusy, "status 10 (busy)"},
		{"billed busy", billed, errBusy, "status 10 (busy)"},
		{"read processing", read, errProcessing, ""},
		{"read refused", read, errRefused, ""},
		{"read not sent", read, errNotSent, "network error"},
		{"read sent", read, errSent, "network error"},
		{"billed not sent", billed, errNotSent, "network error"},
		{"billed sent", billed, errSent, ""},
		{"read body cut", read, errCut, "body cut short"},
		{"read 502", read, errHTTP502, "HTTP Bad Gateway"},
		{"read 429", read, errHTTP429, "HTTP 429"},
		{"read 404", read, errHTTP404, ""},
		{"read not JSON", read, errNotJSON, "unreadable body"},
		{"read bad value", read, errBadValue, ""},
		{"billed body cut", billed, errCut, ""},
		{"billed 502", billed, errHTTP502, ""},
		{"code sent", epUserCode, errSent, ""},
		{"other", read, errOther, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason, ok := retryable(context.Background(), tt.ep, tt.err)
			assert.Equal(t, tt.reason != "", ok)
			assert.Equal(t, tt.reason, reason)
		})
	}
}

func TestRetryableAfterTheCallerGaveUp(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, err := range []error{errNotSent, errSent, errCut, errHTTP502} {
		t.Run(err.Error(), func(t *testing.T) {
			_, ok := retryable(ctx, epGetFund, err)
			assert.False(t, ok)
		})
	}
	// A busy server is another matter: the wait before a retry sees ctx's end.
	_, ok := retryable(ctx, epGetFund, errBusy)
	assert.True(t, ok)
}

func TestOutcome(t *testing.T) {
	tests := []struct {
		name    string
		ep      endpoint
		err     error
		unknown bool
	}{
		{"read sent", epGetFund, errSent, false},
		{"read processing", epGetFund, errProcessing, false},
		{"read 502", epGetFund, errHTTP502, false},
		{"billed busy", epCreateTask, errBusy, false},
		{"billed refused", epCreateTask, errRefused, false},
		{"billed processing", epCreateTask, errProcessing, true},
		{"billed not sent", epCreateTask, errNotSent, false},
		{"billed sent", epCreateTask, errSent, true},
		{"billed body cut", epCreateTask, errCut, true},
		{"billed 502", epCreateTask, errHTTP502, true},
		{"billed 404", epCreateTask, errHTTP404, true},
		{"code sent", epUserCode, errSent, true},
		{"code processing", epUserCode, errProcessing, true},
		{"billed other", epCreateTask, errOther, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := outcome(tt.ep, tt.err)
			require.ErrorIs(t, out, tt.err)
			if !tt.unknown {
				assert.Same(t, tt.err, out)
				return
			}
			var uo *UnknownOutcomeError
			require.ErrorAs(t, out, &uo)
			assert.Equal(t, tt.ep.name, uo.Endpoint)
			assert.ErrorIs(t, out, ErrOutcomeUnknown)
		})
	}
}

func TestDefaultRetryPolicy(t *testing.T) {
	c, err := NewClient("app", "token")
	require.NoError(t, err)
	assert.Equal(t, DefaultRetryPolicy(), c.retry)
	p := DefaultRetryPolicy()
	p.MaxAttempts = 1
	assert.Equal(t, 4, DefaultRetryPolicy().MaxAttempts, "a caller's copy changes nothing")
}
