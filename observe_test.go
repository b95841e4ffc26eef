package tcredit_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// recordingObserver keeps every report, as a line naming the event and its info.
type recordingObserver struct {
	mu     sync.Mutex
	events []string
	calls  []tcredit.CallInfo
	ended  []tcredit.TaskInfo
	billed []tcredit.TaskInfo
	woken  []tcredit.WakeInfo
	all    []any

	onEndCall func(tcredit.CallInfo) // called, when set, as a call ends
}

func (o *recordingObserver) add(event string, info any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = append(o.events, event)
	o.all = append(o.all, info)
	switch v := info.(type) {
	case tcredit.CallInfo:
		if strings.HasPrefix(event, "end ") {
			o.calls = append(o.calls, v)
		}
	case tcredit.TaskInfo:
		if event == "task ended" {
			o.ended = append(o.ended, v)
		} else {
			o.billed = append(o.billed, v)
		}
	case tcredit.WakeInfo:
		o.woken = append(o.woken, v)
	}
}

func (o *recordingObserver) StartQuery(ctx context.Context, q tcredit.QueryInfo) context.Context {
	o.add("start "+q.Op, q)
	return ctx
}
func (o *recordingObserver) EndQuery(_ context.Context, q tcredit.QueryInfo) { o.add("end "+q.Op, q) }
func (o *recordingObserver) StartCall(ctx context.Context, c tcredit.CallInfo) context.Context {
	o.add("start "+c.Endpoint, c)
	return ctx
}
func (o *recordingObserver) Attempt(_ context.Context, a tcredit.AttemptInfo) { o.add("attempt", a) }
func (o *recordingObserver) EndCall(_ context.Context, c tcredit.CallInfo) {
	o.add("end "+c.Endpoint, c)
	if o.onEndCall != nil {
		o.onEndCall(c)
	}
}
func (o *recordingObserver) TaskBilled(_ context.Context, t tcredit.TaskInfo) {
	o.add("task billed", t)
}
func (o *recordingObserver) TaskEnded(_ context.Context, t tcredit.TaskInfo) { o.add("task ended", t) }
func (o *recordingObserver) Woken(_ context.Context, w tcredit.WakeInfo)     { o.add("woken", w) }

func TestObserverSeesAQueryWithAChallenge(t *testing.T) {
	obs := &recordingObserver{}
	sb := newSandbox(t, false, tcredit.WithObserver(obs))
	req := tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "demo-sms-challenge", Password: "pw-123456", SubArea: "1"}

	res, err := sb.client.Query(context.Background(), req, sb.answer(t), tcredit.WithPollInterval(2*time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)

	polls := sb.getFundCalls()
	var want []string
	want = append(want, "start Query",
		"start getFundCitysB", "attempt", "end getFundCitysB",
		"start getFundCityParamB", "attempt", "end getFundCityParamB",
		"start createFundSearchTaskB", "attempt", "end createFundSearchTaskB", "task billed")
	for range polls {
		want = append(want, "start getFundB", "attempt", "end getFundB")
	}
	// The code is submitted after the poll that saw the challenge.
	got := slicesWithout(obs.events, "start fundUserCode", "attempt", "end fundUserCode")
	assert.Equal(t, append(want, "task ended", "end Query"), got)
	assert.Contains(t, obs.events, "end fundUserCode")

	create := obs.calls[2]
	assert.Equal(t, tcredit.CallInfo{
		Endpoint: "createFundSearchTaskB", TID: res.TID, AreaCode: "330100",
		Server: strings.TrimPrefix(sb.srv.URL, "http://"), Path: "/identity/createFundSearchTaskB",
		Answered: true, Status: tcredit.StatusOK, SeqNum: create.SeqNum, HTTPStatus: 200,
		Attempts: 1, Duration: create.Duration, Billed: true,
	}, create)
	assert.NotEmpty(t, create.SeqNum)
	for _, c := range obs.calls[3:] {
		assert.Equal(t, res.TID, c.TID, c.Endpoint)
		assert.False(t, c.Billed, c.Endpoint)
	}
	require.Len(t, obs.billed, 1)
	assert.Equal(t, tcredit.TaskInfo{TID: res.TID, AreaCode: "330100"}, obs.billed[0])
	require.Len(t, obs.ended, 1)
	assert.Equal(t, tcredit.TaskInfo{TID: res.TID, Code: tcredit.CodeDone, Polls: polls}, obs.ended[0])
	end := obs.all[len(obs.all)-1].(tcredit.QueryInfo)
	assert.Equal(t, tcredit.QueryInfo{Op: "Query", AreaCode: "330100", TID: res.TID, Code: tcredit.CodeDone, Duration: end.Duration}, end)

	// Nothing the person typed reaches the observer.
	for _, info := range obs.all {
		text := fmt.Sprintf("%+v", info)
		for _, secret := range []string{req.Account, req.Password, sb.srv.TokenID()} {
			assert.NotContains(t, text, secret)
		}
		assert.NotRegexp(t, `\b`+tcredittest.SMSCode+`\b`, text)
	}
}

// slicesWithout returns s without the runs of drop that appear in it, in order.
func slicesWithout(s []string, drop ...string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if i+len(drop) <= len(s) && strings.Join(s[i:i+len(drop)], "\n") == strings.Join(drop, "\n") {
			i += len(drop) - 1
			continue
		}
		out = append(out, s[i])
	}
	return out
}

func TestObserverSeesAFailureAndAWakeUp(t *testing.T) {
	// The sandbox's clock stands still until the wait's first poll has read the task,
	// still logging in: only the callback can then end the wait before its minute.
	var polled atomic.Bool
	start := time.Now()
	clock := func() time.Time {
		if polled.Load() {
			return time.Now()
		}
		return start
	}
	obs := &recordingObserver{onEndCall: func(c tcredit.CallInfo) {
		if c.Endpoint == "getFundB" {
			polled.Store(true)
		}
	}}
	sb := newSandboxWith(t, true, []tcredittest.Option{tcredittest.WithClock(clock)}, tcredit.WithObserver(obs))
	tid, err := sb.client.CreateTask(context.Background(), login("demo-wrong-password"))
	require.NoError(t, err)

	_, err = sb.client.Wait(context.Background(), tid, tcredit.WithPollInterval(time.Minute, time.Minute))
	var te *tcredit.TaskError
	require.ErrorAs(t, err, &te)

	require.Len(t, obs.ended, 1)
	assert.Equal(t, tcredit.CodeBadCredentials, obs.ended[0].Code)
	assert.Equal(t, tid, obs.ended[0].TID)
	require.NotEmpty(t, obs.woken, "the callback woke the wait before its minute")
	assert.Equal(t, tid, obs.woken[0].TID)
	assert.Positive(t, obs.woken[0].Latency)
	end := obs.all[len(obs.all)-1].(tcredit.QueryInfo)
	assert.Equal(t, "Wait", end.Op)
	assert.Equal(t, "*tcredit.TaskError", end.ErrorType)
	last := obs.calls[len(obs.calls)-1]
	assert.Equal(t, "*tcredit.TaskError", last.ErrorType, "a failed task fails its getFundB call")
}

func TestObserverSeesAnOutcomeUnknown(t *testing.T) {
	obs := &recordingObserver{}
	sb := newSandbox(t, false, tcredit.WithObserver(obs))
	sb.srv.InjectFault(tcredittest.Fault{Kind: tcredittest.FaultDropAfter, Endpoint: "createFundSearchTaskB", Count: 1})

	_, err := sb.client.CreateTask(context.Background(), login("demo-success"))
	require.ErrorIs(t, err, tcredit.ErrOutcomeUnknown)

	require.Len(t, obs.calls, 1)
	c := obs.calls[0]
	assert.True(t, c.Billed)
	assert.True(t, c.OutcomeUnknown)
	assert.Equal(t, "*tcredit.UnknownOutcomeError", c.ErrorType)
	assert.False(t, c.Answered)
	require.Len(t, obs.billed, 1)
	assert.True(t, obs.billed[0].OutcomeUnknown)
}

func TestWithObserverRefusesNil(t *testing.T) {
	_, err := tcredit.NewClient("app", "token", tcredit.WithObserver(nil))
	assert.Error(t, err)
}
