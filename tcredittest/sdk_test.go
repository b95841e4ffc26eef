package tcredittest_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// The SDK against the sandbox: two independent implementations of the wire protocol
// that must agree.

func newClient(t *testing.T, srv *tcredittest.Server) *tcredit.Client {
	t.Helper()
	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL), tcredit.WithHTTPClient(srv.Client()),
		tcredit.WithRetry(tcredit.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}))
	require.NoError(t, err)
	return client
}

func TestSDKQueriesEveryDemoAccount(t *testing.T) {
	for _, seed := range []int64{1, 2} { // two seeds: two sets of type variance
		srv := tcredittest.NewServer(tcredittest.WithStep(time.Millisecond), tcredittest.WithSeed(seed))
		client := newClient(t, srv)
		wantBilled := 0
		for _, a := range tcredittest.DemoAccounts() {
			var images [][]byte
			res, err := client.Query(context.Background(),
				tcredit.CreateTaskRequest{AreaCode: "110100", LoginType: 1, Account: a.Login, Password: "any"},
				tcredit.WithPollInterval(time.Millisecond, 5*time.Millisecond),
				tcredit.WithCodeProvider(func(ctx context.Context, ch tcredit.Challenge) (string, error) {
					images = append(images, ch.Image)
					task, _ := srv.Task(ch.TID)
					return task.Answer, nil
				}),
			)
			want := map[tcredittest.Scenario]int{
				tcredittest.ScenarioSuccess: 40001, tcredittest.ScenarioPartial: 40002, tcredittest.ScenarioSMSChallenge: 40001,
				tcredittest.ScenarioCaptchaChallenge: 40001, tcredittest.ScenarioWrongPassword: 50004, tcredittest.ScenarioWrongCode: 50009,
				tcredittest.ScenarioInputTimeout: 50008, tcredittest.ScenarioSiteDown: 50005, tcredittest.ScenarioSiteUnstable: 50007,
				tcredittest.ScenarioCrawlFailure: 50002,
			}[a.Scenario]
			if want < 50000 {
				wantBilled++
				require.NoError(t, err, a.Login)
				assert.Equal(t, want, int(res.Code), a.Login)
				require.NotNil(t, res.BaseInfo, a.Login)
				assert.NotEmpty(t, res.BillInfos, a.Login)
				assert.Positive(t, int64(res.BaseInfo.HouseFundBalance), a.Login)
			} else {
				var te *tcredit.TaskError
				require.ErrorAs(t, err, &te, a.Login)
				assert.Equal(t, want, int(te.Code), a.Login)
			}
			switch a.Scenario {
			case tcredittest.ScenarioPartial:
				assert.Equal(t, []string{"loanInfos"}, res.Missing)
				assert.Empty(t, res.LoanInfos)
			case tcredittest.ScenarioSuccess:
				assert.NotEmpty(t, res.LoanInfos)
			case tcredittest.ScenarioCaptchaChallenge:
				require.Len(t, images, 1)
				_, err := png.Decode(bytes.NewReader(images[0]))
				assert.NoError(t, err, "the SDK decodes the captcha to a PNG")
			}
		}
		assert.Equal(t, wantBilled, srv.Billed(srv.AppID()), "failed tasks are rolled back")
		srv.Close()
	}
}

func TestSDKCitiesAndLoginMethods(t *testing.T) {
	srv := tcredittest.NewServer()
	defer srv.Close()
	client := newClient(t, srv)
	ctx := context.Background()

	cities, err := client.Cities(ctx)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(cities), 20)
	unavailable := 0
	for _, c := range cities {
		if !c.Available() {
			unavailable++
		}
	}
	assert.Equal(t, 4, unavailable)

	methods, err := client.LoginMethods(ctx, "340500")
	require.NoError(t, err)
	require.Len(t, methods, 1)
	req := tcredit.CreateTaskRequest{AreaCode: "340500", LoginType: 1, Account: "demo-success", Password: "x", SubArea: "3"}
	assert.Error(t, methods[0].Validate(req), "3 is not a listed branch")
	req.SubArea = "2"
	assert.NoError(t, methods[0].Validate(req))
}

func TestSDKRetriesPassingFaults(t *testing.T) {
	srv := tcredittest.NewServer(tcredittest.WithStep(time.Millisecond))
	defer srv.Close()
	client := newClient(t, srv)
	ctx := context.Background()

	srv.InjectFault(tcredittest.Fault{Kind: tcredittest.FaultBadGateway, Endpoint: "getFundCitysB"})
	srv.InjectFault(tcredittest.Fault{Kind: tcredittest.FaultStatus, Status: 10, Endpoint: "getFundCityParamB", Count: 2})
	_, err := client.Cities(ctx)
	assert.NoError(t, err, "after a 502")
	_, err = client.LoginMethods(ctx, "110100")
	assert.NoError(t, err, "after busy twice")

	srv.InjectFault(tcredittest.Fault{Kind: tcredittest.FaultStatus, Status: 10, Endpoint: "createFundSearchTaskB"})
	tid, err := client.CreateTask(ctx, tcredit.CreateTaskRequest{AreaCode: "110100", LoginType: 1, Account: "demo-success", Password: "x"})
	require.NoError(t, err, "busy: the task was not created, so it is created again")
	assert.Len(t, srv.Tasks(), 1)

	srv.InjectFault(tcredittest.Fault{Kind: tcredittest.FaultTruncate, Endpoint: "getFundB"})
	srv.InjectFault(tcredittest.Fault{Kind: tcredittest.FaultDrop, Endpoint: "getFundB"})
	_, err = client.Wait(ctx, tid, tcredit.WithPollInterval(time.Millisecond, 5*time.Millisecond))
	assert.NoError(t, err, "reads are repeated")

	srv.InjectFault(tcredittest.Fault{Kind: tcredittest.FaultStatus, Status: 11, Endpoint: "getFundB"})
	_, err = client.GetFund(ctx, tid)
	var apiErr *tcredit.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, tcredit.Status(11), apiErr.Status)
	assert.False(t, errors.Is(err, tcredit.ErrOutcomeUnknown))
}

func TestSDKCallbackHandler(t *testing.T) {
	const secret = "a-long-callback-secret"
	got := make(chan tcredit.Callback, 8)
	recv := httptest.NewServer(tcredit.NewCallbackHandler(func(ctx context.Context, cb tcredit.Callback) error {
		got <- cb
		return nil
	}, tcredit.WithCallbackSecret(secret)))
	defer recv.Close()
	cbURL, err := tcredit.CallbackURL(recv.URL+"/fund/callback", secret)
	require.NoError(t, err)

	srv := tcredittest.NewServer(tcredittest.WithStep(time.Millisecond), tcredittest.WithCallbackURL(cbURL))
	defer srv.Close()
	client := newClient(t, srv)
	ctx := context.Background()
	tid, err := client.CreateTask(ctx, tcredit.CreateTaskRequest{AreaCode: "110100", LoginType: 1, Account: "demo-sms-challenge", Password: "x"})
	require.NoError(t, err)

	next := func() tcredit.Callback {
		t.Helper()
		select {
		case cb := <-got:
			return cb
		case <-time.After(10 * time.Second):
			t.Fatal("no callback")
			return tcredit.Callback{}
		}
	}
	cb := next()
	assert.Equal(t, tid, cb.TID)
	assert.Equal(t, 10003, int(cb.Status))
	assert.Equal(t, "登录中，等待用户输入短信", cb.Message)
	require.NoError(t, client.SubmitCode(ctx, tid, tcredittest.SMSCode))
	cb = next()
	assert.Equal(t, 40001, int(cb.Status))
}
