package tcredit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSubmitCodeWire(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	r := recordBody(mt, "fundUserCode", http.StatusOK, fixture(t, "fundUserCode.json"))
	require.NoError(t, c.SubmitCode(context.Background(), createdTID, "8 3 1 9"))
	assertWire(t, r, "fundUserCode", map[string]string{"tid": createdTID, "code": "8 3 1 9"})
}

func TestSubmitCodeRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		data     string
		code     TaskCode
		msg      string
		sentinel error
	}{
		{`{"status":-9,"message":"权限认证失败"}`, CodeAuthFailed, "权限认证失败", ErrNoPermission},
		{`{"status":-1,"message":"接口异常"}`, CodeError, "接口异常", ErrSystem},
		{`{"status":"-2","message":" 参数错误 "}`, CodeInvalidParams, "参数错误", ErrInvalidParams},
	}
	for _, tt := range tests {
		t.Run(tt.data, func(t *testing.T) {
			c, mt := newMockClient(t)
			r := recordBody(mt, "fundUserCode", http.StatusOK, envelopeJSON(0, "成功", "0011508314385070", tt.data))
			err := c.SubmitCode(context.Background(), createdTID, "123456")
			var te *TaskError
			require.True(t, errors.As(err, &te), "%s: %T %v", tt.data, err, err)
			assert.Equal(t, &TaskError{TID: createdTID, Code: tt.code, Message: tt.msg}, te)
			assert.True(t, errors.Is(err, tt.sentinel), "%v", err)
			assert.Equal(t, 1, r.calls())
			assert.NotContains(t, err.Error(), "123456", "the code is a secret")
		})
	}
}

func TestSubmitCodeInvalidInput(t *testing.T) {
	t.Parallel()
	tests := []struct{ tid, code, field string }{
		{"", "123456", "tid"},
		{" ", "123456", "tid"},
		{createdTID, "", "code"},
		{createdTID, "\t", "code"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %q %q", tt.field, tt.tid, tt.code), func(t *testing.T) {
			c, mt := newMockClient(t)
			err := c.SubmitCode(context.Background(), tt.tid, tt.code)
			assert.True(t, errors.Is(err, ErrInvalidInput), "%v", err)
			var fe *FieldError
			require.True(t, errors.As(err, &fe))
			assert.Equal(t, tt.field, fe.Field)
			assert.Zero(t, mt.GetTotalCallCount())
		})
	}
}

func TestSubmitCodeNotRetriedOnceSent(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	r := recordBody(mt, "fundUserCode", http.StatusBadGateway, fixture(t, "gateway-502.html"))
	err := c.SubmitCode(context.Background(), createdTID, "123456")
	assert.Equal(t, 1, r.calls(), "each submission spends one of the person's attempts")
	assert.True(t, errors.Is(err, ErrOutcomeUnknown), "%v", err)
	var uo *UnknownOutcomeError
	require.True(t, errors.As(err, &uo))
	assert.Equal(t, "fundUserCode", uo.Endpoint)
	assert.Equal(t, createdTID, uo.TID, "the error says which task to look up")
	assert.Contains(t, err.Error(), createdTID)
}

func TestSubmitCodeRetriedWhenBusy(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	r := record(mt, "fundUserCode",
		httpmock.NewBytesResponder(http.StatusOK, envelopeJSON(10, "系统繁忙，请稍后再试", "1", `""`)),
		httpmock.NewBytesResponder(http.StatusOK, fixture(t, "fundUserCode.json")))
	require.NoError(t, c.SubmitCode(context.Background(), createdTID, "123456"))
	assert.Equal(t, 2, r.calls())
}

// SubmitCode: an answer with no clear data.status is no success.
func TestSubmitCodeNotSilent(t *testing.T) {
	for name, body := range map[string]string{
		"data.status twice":      `{"status":0,"data":{"status":-1,"status":0}}`,
		"data twice":             `{"status":0,"data":{"status":-1},"data":{"status":0}}`,
		"data.status zero-width": `{"status":0,"data":{"status":"\u200b"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			c := answeringServer(t, 200, func(url.Values) string { return body })
			require.Error(t, c.SubmitCode(context.Background(), "T", "123456"))
		})
	}
	_ = assert.Equal
}

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
