package bench

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/bytedance/sonic"
	gojson "github.com/goccy/go-json"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
)

// TestSameReport checks that every decoder compared reads the whole report from each
// body, so that no one is timed for reading less: the fast libraries' tolerant types
// hold, field for field, what GetFund returns (carried over through encoding/json, whose
// amounts in yuan the tolerant types read back to the fen), and the plain types hold as
// many rows.
func TestSameReport(t *testing.T) {
	for _, s := range bodies() {
		t.Run(s.name, func(t *testing.T) {
			t.Logf("%d bytes with variance, %d plain", len(s.variance), len(s.plain))
			client, err := tcredit.NewClient("APP", "TOKEN-123",
				tcredit.WithHTTPClient(&http.Client{Transport: memoryTransport{body: s.variance}}))
			require.NoError(t, err)
			res, err := client.GetFund(context.Background(), "457e345272624ac294ff9dc675807dc9")
			require.NoError(t, err)
			require.NotEmpty(t, res.BillInfos)
			sdk, err := json.Marshal(res)
			require.NoError(t, err)
			var want tFundResult
			require.NoError(t, json.Unmarshal(sdk, &want))

			for name, unmarshal := range map[string]func([]byte, any) error{"goccy": gojson.Unmarshal, "sonic": sonic.Unmarshal} {
				var tol tEnvelope
				require.NoError(t, unmarshal(s.variance, &tol), name)
				require.Equal(t, &want, tol.Data, name)
				var plain pEnvelope
				require.NoError(t, unmarshal(s.plain, &plain), name)
				require.Equal(t, len(res.BillInfos), len(plain.Data.BillInfos), name)
				require.Equal(t, len(res.LoanInfos), len(plain.Data.LoanInfos), name)
			}
		})
	}
}
