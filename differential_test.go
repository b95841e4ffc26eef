package tcredit

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/internal/wire"
	"github.com/tcredit-go/tcredit/internal/wireref"
)

// referenceFrame is the frame the former decoder read first, with data captured raw.
type referenceFrame struct {
	Status  *Status     `json:"status" wire:"unique"`
	Message string      `json:"message"`
	SeqNum  string      `json:"seqNum"`
	Data    wireref.Raw `json:"data" wire:"unique"`
}

// referenceDecodeResponse is decodeResponse as it was with the former decoder: a
// validation pass, the frame with data captured raw, the key check, then the data.
func referenceDecodeResponse[T any](ep endpoint, body []byte) (*envelope[T], error) {
	respErr := func(err error) error {
		return &ResponseError{Endpoint: ep.name, HTTPStatus: http.StatusOK, Err: err}
	}
	var f referenceFrame
	if err := wireref.Decode(body, &f); err != nil {
		return nil, respErr(err)
	}
	if f.Status == nil {
		return nil, respErr(errNoStatus)
	}
	var scrub *scrubber // none: decodeResponse is given none either
	env := &envelope[T]{Status: *f.Status, Message: scrub.message(f.Message), SeqNum: scrub.text(f.SeqNum)}
	if env.Status != StatusOK {
		return env, &APIError{Endpoint: ep.name, Status: env.Status}
	}
	if ep.requires != "" && !wireref.HasKey(f.Data, ep.requires) {
		return nil, respErr(ep.missing)
	}
	if len(f.Data) > 0 {
		if err := wireref.DecodeValidated(f.Data, &env.Data); err != nil {
			var we *wire.Error
			if errors.As(err, &we) {
				if we.Path == "" || we.Path[0] == '[' {
					we.Path = "data" + we.Path
				} else {
					we.Path = "data." + we.Path
				}
			}
			return nil, respErr(err)
		}
	}
	return env, nil
}

// decodeOutcome is what a decoded response comes to, for comparison: the error's kind and
// JSON path, or the envelope.
func decodeOutcome(err error) string {
	var apiErr *APIError
	var we *wire.Error
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &apiErr):
		return "status " + apiErr.Status.String()
	case errors.As(err, &we):
		return "json error at " + we.Path
	case errors.Is(err, errNoStatus), errors.Is(err, errNoTaskCode), errors.Is(err, errNoCodeStatus):
		return errors.Unwrap(err).Error()
	}
	return "other: " + err.Error()
}

// sameAsReference decodes body as ep's answer with both decoders and requires the same
// outcome: the same envelope, or an error of the same kind at the same path.
func sameAsReference[T any](t *testing.T, ep endpoint, body []byte) {
	t.Helper()
	got, gotErr := decodeResponse[T](ep, http.StatusOK, body, nil, nil)
	want, wantErr := referenceDecodeResponse[T](ep, body)
	require.Equal(t, decodeOutcome(wantErr), decodeOutcome(gotErr), "%s: %q", ep.name, body)
	if want != nil && got != nil {
		require.Equal(t, want.Status, got.Status, "%q", body)
		require.Equal(t, want.Message, got.Message, "%q", body)
		require.Equal(t, want.SeqNum, got.SeqNum, "%q", body)
		if wantErr == nil {
			require.Equal(t, want.Data, got.Data, "%q", body)
		}
	}
	require.Equal(t, want == nil, got == nil, "%q", body)
}

// FuzzDecodeDifferential holds the one-walk response decoder to the former one on any
// body, for the report, the city list and a code's answer: the same result, or an error
// of the same kind at the same JSON path.
func FuzzDecodeDifferential(f *testing.F) {
	addFixtureSeeds(f)
	for _, s := range []string{
		`{"data":{"code":"40001","tid":"t"},"status":0}`,
		`{"data":{"code":{}},"status":3,"message":"x"}`,
		`{"status":0,"data":{"tid":{}},"seqNum":1}`,
		`{"status":0,"DATA":{"code":1},"data":{"CODE":1}}`,
		`{"status":0,"data":[{"code":1}]}`,
		`{"status":0,"data":{"code":1,"code":null}}`,
		`{"status":0,"data":{"code":null,"code":1}}`,
		`{"status":"\t","data":{"code":1}}`,
		`{"status":0,"status":0,"data":{"code":1}}`,
		`{"status":0,"data":{"code":1,"billInfos":[{"balance":"1.005"},{"inAmount":true}]}} x`,
		`{"status":0,"data":{"code":1,"baseInfo":"","loanInfos":{"detailInfo":[{"loanAmount":"2e5"}]}}}`,
		`{"status":0,"data":[{"area_code":310000,"area_status":"1"}]}`,
		`{"status":0,"data":{"status":"0","message":"ok"}}`,
		`{"status":0,"data":{"status":"\u0020"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sameAsReference[*FundResult](t, epGetFund, body)
		sameAsReference[[]City](t, epCities, body)
		sameAsReference[*userCodeData](t, epUserCode, body)
	})
}
