package tcredit

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Answers that must not read as a finished task with an empty report.
func TestGetFundNotSuccess(t *testing.T) {
	for name, body := range map[string]string{
		"duplicate data, the last says done": `{"status":0,"seqNum":"1","data":{"tid":"T","code":50004},"data":{"tid":"T","code":0}}`,
		"escaped duplicate \\u0063ode":       `{"status":0,"seqNum":"1","data":{"code":50004,"\u0063ode":0}}`,
		"escaped duplicate \\u0073tatus":     `{"status":2,"\u0073tatus":0,"seqNum":"1","data":{"code":0}}`,
		"code \\u0000":                       `{"status":0,"seqNum":"1","data":{"code":"\u0000"}}`,
		"code zero-width space":              `{"status":0,"seqNum":"1","data":{"code":"\u200b"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			c := answeringServer(t, 200, func(url.Values) string { return body })
			res, err := c.GetFund(context.Background(), "T")
			if err == nil {
				t.Errorf("read as success: code %d", res.Code)
			}
		})
	}
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
