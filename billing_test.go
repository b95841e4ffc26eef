package tcredit

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memRecorder keeps the events it is given, and fails when fail says so. When sent is
// set, it notes for each event how many creates had been sent when it came.
type memRecorder struct {
	mu     sync.Mutex
	events []BillingEvent
	sentAt []int
	sent   *recorder
	fail   func(BillingEvent) error
}

func (m *memRecorder) RecordBilling(_ context.Context, e BillingEvent) error {
	if m.fail != nil {
		if err := m.fail(e); err != nil {
			return err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = append(m.events, e)
	if m.sent != nil {
		m.sentAt = append(m.sentAt, m.sent.calls())
	}
	return nil
}

// countingRecorder fails every event with err, and counts them.
type countingRecorder struct {
	err   error
	calls int
}

func (r *countingRecorder) RecordBilling(context.Context, BillingEvent) error {
	r.calls++
	return r.err
}

func (m *memRecorder) all() []BillingEvent {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]BillingEvent(nil), m.events...)
}

func (m *memRecorder) kinds() []BillingKind {
	var ks []BillingKind
	for _, e := range m.all() {
		ks = append(ks, e.Kind)
	}
	return ks
}

func TestBillingAttemptIsRecordedBeforeTheCreateIsSent(t *testing.T) {
	t.Parallel()
	rec := &memRecorder{}
	c, mt := newMockClient(t, WithBillingRecorder(rec))
	r := recordBody(mt, "createFundSearchTaskB", http.StatusOK, fixture(t, "createFundSearchTaskB.json"))
	rec.sent = r

	tid, err := c.CreateTask(context.Background(), login())
	require.NoError(t, err)
	assert.Equal(t, createdTID, tid)

	events := rec.all()
	require.Len(t, events, 2)
	assert.Equal(t, []int{0, 1}, rec.sentAt, "the attempt before the request, the outcome after it")
	attempt, created := events[0], events[1]
	assert.Equal(t, BillingAttempt, attempt.Kind)
	assert.Regexp(t, `^[0-9a-f]{32}$`, attempt.Attempt)
	assert.Equal(t, testAppID, attempt.AppID)
	assert.Equal(t, "310000", attempt.AreaCode)
	assert.Empty(t, attempt.TID)
	assert.False(t, attempt.Time.IsZero())

	assert.Equal(t, BillingCreated, created.Kind)
	assert.Equal(t, attempt.Attempt, created.Attempt)
	assert.Equal(t, testAppID, created.AppID)
	assert.Equal(t, "310000", created.AreaCode)
	assert.Equal(t, createdTID, created.TID)
	assert.Equal(t, "0951507659489656", created.SeqNum)
	assert.False(t, created.Time.Before(attempt.Time))
}

func TestBillingAttemptNotRecordedSendsNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
	}{
		{"recorder down", errors.New("disk full")},
		{"limit reached", ErrBillingLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &countingRecorder{err: tt.err}
			c, mt := newMockClient(t, WithBillingRecorder(rec))
			r := recordBody(mt, "createFundSearchTaskB", http.StatusOK, fixture(t, "createFundSearchTaskB.json"))

			tid, err := c.CreateTask(context.Background(), login())
			assert.Empty(t, tid)
			var be *BillingError
			require.ErrorAs(t, err, &be)
			assert.Equal(t, BillingAttempt, be.Kind)
			assert.Regexp(t, `^[0-9a-f]{32}$`, be.Attempt)
			assert.ErrorIs(t, err, tt.err)
			assert.Contains(t, err.Error(), "create not sent")
			assert.Contains(t, err.Error(), tt.err.Error())
			assert.Zero(t, r.calls(), "nothing on the wire")
			assert.Equal(t, tt.err == ErrBillingLimit, errors.Is(err, ErrBillingLimit))
			assert.Equal(t, tt.err != ErrBillingLimit, rec.calls > 1, "a refusal recorded, unless the limit kept the attempt out")
		})
	}
}

func TestBillingAttemptStoredDespiteAnErrorIsRefused(t *testing.T) {
	t.Parallel()
	// The recorder keeps the attempt, then fails: a commit whose reply was lost.
	rec := &memRecorder{}
	lost := &memRecorder{fail: func(e BillingEvent) error {
		_ = rec.RecordBilling(context.Background(), e)
		if e.Kind == BillingAttempt {
			return errors.New("connection reset after COMMIT")
		}
		return nil
	}}
	c, mt := newMockClient(t, WithBillingRecorder(lost))
	r := recordBody(mt, "createFundSearchTaskB", http.StatusOK, fixture(t, "createFundSearchTaskB.json"))

	_, err := c.CreateTask(context.Background(), login())
	var be *BillingError
	require.ErrorAs(t, err, &be)
	assert.Zero(t, r.calls(), "nothing on the wire")
	events := rec.all()
	require.Equal(t, []BillingKind{BillingAttempt, BillingRefused}, rec.kinds())
	assert.Equal(t, be.Attempt, events[1].Attempt)
	assert.Equal(t, events[0].AreaCode, events[1].AreaCode)
	assert.Empty(t, events[1].TID)
}

func TestBillingOutcomeOfACreate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		responder httpmock.Responder
		kind      BillingKind
		tid       string
		seqNum    string
		code      TaskCode
	}{
		{"created", httpmock.NewBytesResponder(http.StatusOK, envelopeJSON(0, "成功", "0951000000000001", `{"success":true,"tid":"T-1"}`)),
			BillingCreated, "T-1", "0951000000000001", 0},
		{"refused inside the answer", httpmock.NewBytesResponder(http.StatusOK, envelopeJSON(0, "成功", "0951000000000002", `{"success":false,"status":-2,"message":"参数错误"}`)),
			BillingRefused, "", "0951000000000002", CodeInvalidParams},
		{"refused by a status", httpmock.NewBytesResponder(http.StatusOK, envelopeJSON(9, "用户余额不足", "0951000000000009", "null")),
			BillingRefused, "", "0951000000000009", 0},
		{"processing", httpmock.NewBytesResponder(http.StatusOK, envelopeJSON(11, "数据处理中", "0951000000000011", "null")),
			BillingUnknown, "", "", 0},
		{"no answer", httpmock.NewErrorResponder(errors.New("read tcp: connection reset")),
			BillingUnknown, "", "", 0},
		{"success without a tid", httpmock.NewBytesResponder(http.StatusOK, envelopeJSON(0, "成功", "0951000000000003", `{"success":true}`)),
			BillingUnknown, "", "0951000000000003", 0},
		{"no success, a tid", httpmock.NewBytesResponder(http.StatusOK, envelopeJSON(0, "成功", "0951000000000004", `{"tid":"T-4"}`)),
			BillingUnknown, "T-4", "0951000000000004", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &memRecorder{}
			c, mt := newMockClient(t, WithBillingRecorder(rec), noRetry)
			r := record(mt, "createFundSearchTaskB", tt.responder)

			_, err := c.CreateTask(context.Background(), login())
			assert.Equal(t, tt.kind == BillingCreated, err == nil, "%v", err)
			assert.Equal(t, 1, r.calls())
			events := rec.all()
			require.Len(t, events, 2)
			got := events[1]
			assert.Equal(t, tt.kind, got.Kind)
			assert.Equal(t, events[0].Attempt, got.Attempt)
			assert.Equal(t, tt.tid, got.TID)
			assert.Equal(t, tt.seqNum, got.SeqNum)
			assert.Equal(t, tt.code, got.Code)
			assert.Equal(t, "310000", got.AreaCode)
		})
	}
}

func TestBillingCreateNeverSentIsRefused(t *testing.T) {
	t.Parallel()
	rec := &memRecorder{}
	c, mt := newMockClient(t, WithBillingRecorder(rec))
	r := recordBody(mt, "createFundSearchTaskB", http.StatusOK, fixture(t, "createFundSearchTaskB.json"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	_, err := c.CreateTask(ctx, login())
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, r.calls())
	assert.Equal(t, []BillingKind{BillingAttempt, BillingRefused}, rec.kinds())
}

func TestBillingInvalidRequestRecordsNothing(t *testing.T) {
	t.Parallel()
	rec := &memRecorder{}
	c, _ := newMockClient(t, WithBillingRecorder(rec))
	_, err := c.CreateTask(context.Background(), CreateTaskRequest{LoginType: 1})
	require.ErrorIs(t, err, ErrInvalidInput)
	assert.Empty(t, rec.all(), "a request refused before anything is sent is no attempt")
}

func TestBillingEndOfATask(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data string
		kind BillingKind // "" for no end
	}{
		{"done", `{"code":40001,"msg":"爬取结束","tid":"T-1"}`, BillingSucceeded},
		{"done partly", `{"code":40002,"msg":"爬取结束,部分数据缺失","tid":"T-1","fail":["loanInfos"]}`, BillingSucceeded},
		{"failed", `{"code":50004,"msg":"登录失败,用户名密码输入错误","tid":"T-1"}`, BillingFailed},
		{"running", `{"code":20001,"msg":"爬取中","tid":"T-1"}`, ""},
		{"waiting for a code", `{"code":10003,"msg":"等待用户输入短信","tid":"T-1","base64_image_bytes":""}`, ""},
		{"another appId's tid", `{"code":-9,"msg":"权限认证失败","tid":"T-1"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &memRecorder{}
			c, mt := newMockClient(t, WithBillingRecorder(rec))
			recordBody(mt, "createFundSearchTaskB", http.StatusOK, envelopeJSON(0, "成功", "1", `{"success":true,"tid":"T-1"}`))
			recordBody(mt, "getFundB", http.StatusOK, envelopeJSON(0, "成功", "2", tt.data))

			_, err := c.CreateTask(context.Background(), login())
			require.NoError(t, err)
			res, _ := c.GetFund(context.Background(), "T-1")
			require.NotNil(t, res)
			_, _ = c.GetFund(context.Background(), "T-1") // read again: the end stays one event for a recorder
			events := rec.all()
			if tt.kind == "" {
				assert.Equal(t, []BillingKind{BillingAttempt, BillingCreated}, rec.kinds())
				return
			}
			require.Len(t, events, 4)
			end := events[2]
			assert.Equal(t, tt.kind, end.Kind)
			assert.Equal(t, "T-1", end.TID)
			assert.Equal(t, events[0].Attempt, end.Attempt, "the client that created the task names its attempt")
			assert.Equal(t, res.Code, end.Code)
			assert.Equal(t, testAppID, end.AppID)
			assert.Equal(t, end.key(), events[3].key(), "the second read is the same event")
			assert.Empty(t, events[3].Attempt, "the attempt is named once")
		})
	}
}

func TestBillingEndOfATaskAnotherClientCreated(t *testing.T) {
	t.Parallel()
	rec := &memRecorder{}
	c, mt := newMockClient(t, WithBillingRecorder(rec))
	recordBody(mt, "getFundB", http.StatusOK, envelopeJSON(0, "成功", "2", `{"code":50002,"msg":"爬取失败","tid":"T-9"}`))
	_, err := c.GetFund(context.Background(), "T-9")
	require.ErrorAs(t, err, new(*TaskError))
	events := rec.all()
	require.Len(t, events, 1)
	assert.Equal(t, BillingEvent{Kind: BillingFailed, AppID: testAppID, TID: "T-9", Code: CodeCrawlFailed, Time: events[0].Time}, events[0])
}

func TestBillingRecorderErrorAfterTheBillIsLoggedNotReturned(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	rec := &memRecorder{fail: func(e BillingEvent) error {
		if e.Kind == BillingAttempt {
			return nil
		}
		return errors.New("database gone")
	}}
	c, mt := newMockClient(t, WithBillingRecorder(rec), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	recordBody(mt, "createFundSearchTaskB", http.StatusOK, fixture(t, "createFundSearchTaskB.json"))
	recordBody(mt, "getFundB", http.StatusOK, envelopeJSON(0, "成功", "2", `{"code":40001,"tid":"`+createdTID+`"}`))

	tid, err := c.CreateTask(context.Background(), login())
	require.NoError(t, err, "the task exists: the caller must learn its tid")
	assert.Equal(t, createdTID, tid)
	res, err := c.GetFund(context.Background(), tid)
	require.NoError(t, err)
	assert.Equal(t, CodeDone, res.Code)

	assert.Contains(t, logs.String(), `level=ERROR msg="tcredit billing record failed" kind=created`)
	assert.Contains(t, logs.String(), `level=ERROR msg="tcredit billing record failed" kind=succeeded`)
	assert.Contains(t, logs.String(), "tid="+createdTID+" error=\"database gone\"")
}

func TestBillingOutcomeRecordedAfterTheCallerGaveUp(t *testing.T) {
	t.Parallel()
	rec := &memRecorder{}
	ctx, cancel := context.WithCancel(context.Background())
	c, mt := newMockClient(t, WithBillingRecorder(rec), noRetry)
	record(mt, "createFundSearchTaskB", func(*http.Request) (*http.Response, error) {
		cancel() // the caller gives up while the create is on its way
		return nil, context.Canceled
	})
	_, err := c.CreateTask(ctx, login())
	require.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.Equal(t, []BillingKind{BillingAttempt, BillingUnknown}, rec.kinds())
}

func TestWithBillingRecorderNil(t *testing.T) {
	_, err := NewClient(testAppID, testTokenID, WithBillingRecorder(nil))
	assert.ErrorContains(t, err, "billing recorder is nil")
}

// login is a request with the least a create needs.
func login() CreateTaskRequest {
	return CreateTaskRequest{AreaCode: "310000", LoginType: 1, Account: "zhangsan", Password: secretPassword}
}

func TestSeqNumKeptOnlyWhenItLooksLikeOne(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("9", maxSeqNum)
	tests := []struct {
		seqNum, want string
	}{
		{"0951507659489656", "0951507659489656"},
		{"a-Z-09", "a-Z-09"},
		{long, long},
		{long + "9", ""},
		{"110101 199001011234", ""},
		{"<script>", ""},
		{"09515\n07659", ""},
		{"序列号", ""},
	}
	for _, tt := range tests {
		t.Run(tt.seqNum, func(t *testing.T) {
			t.Parallel()
			rec := &memRecorder{}
			c, mt := newMockClient(t, WithBillingRecorder(rec))
			recordBody(mt, "createFundSearchTaskB", http.StatusOK, envelopeJSON(0, "成功", tt.seqNum, `{"success":true,"tid":"T-1"}`))
			recordBody(mt, "getFundB", http.StatusOK, envelopeJSON(10, "系统繁忙", tt.seqNum, `null`))

			_, err := c.CreateTask(context.Background(), login())
			require.NoError(t, err)
			require.Equal(t, []BillingKind{BillingAttempt, BillingCreated}, rec.kinds())
			assert.Equal(t, tt.want, rec.all()[1].SeqNum, "the billing record")

			_, err = c.GetFund(context.Background(), "T-1")
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.want, apiErr.SeqNum, "the error")
		})
	}
}
