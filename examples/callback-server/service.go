package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/tcredit-go/tcredit"
)

// service runs queries in the background and lets the person's browser or app follow
// them and answer their challenges.
type service struct {
	ctx    context.Context // ends the background queries
	client *tcredit.Client
	log    *slog.Logger

	// keep is how long a finished query stays readable before it is forgotten, so that
	// the app can read its end and the map does not grow for ever.
	keep time.Duration

	mu      sync.Mutex
	queries map[string]*query
	wg      sync.WaitGroup
}

// keepFinished is how long a service keeps a finished query by default.
const keepFinished = 10 * time.Minute

// query is one task as the service tracks it.
type query struct {
	mu      sync.Mutex
	state   queryState
	answers chan string // the person's answers to challenges
}

// queryState is what GET /queries/{tid} shows.
type queryState struct {
	TID        string `json:"tid"`
	Code       int    `json:"code"`
	Status     string `json:"status"`
	WaitingFor string `json:"waiting_for,omitempty"` // "sms" or "captcha"
	Captcha    []byte `json:"captcha_png,omitempty"` // the captcha image, base64 in JSON
	Done       bool   `json:"done"`
	Error      string `json:"error,omitempty"`
	Balance    string `json:"balance,omitempty"`
}

func newService(ctx context.Context, client *tcredit.Client, log *slog.Logger) *service {
	return &service{ctx: ctx, client: client, log: log, keep: keepFinished, queries: make(map[string]*query)}
}

func (s *service) routes(callbackSecret string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /queries", s.start)
	mux.HandleFunc("GET /queries/{tid}", s.show)
	mux.HandleFunc("POST /queries/{tid}/code", s.answer)
	mux.Handle("/fund/callback", tcredit.NewCallbackHandler(func(_ context.Context, cb tcredit.Callback) error {
		s.client.Notify(cb) // a hint: the waiting Query reads the truth with GetFund
		return nil
	}, tcredit.WithCallbackSecret(callbackSecret), tcredit.WithCallbackLogger(s.log)))
	return mux
}

// loginBody is the login form as the person's app posts it.
type loginBody struct {
	AreaCode  string `json:"area_code"`
	LoginType int    `json:"login_type"`
	Account   string `json:"account"`
	Password  string `json:"password"`
	IDCard    string `json:"id_card"`
	RealName  string `json:"real_name"`
	Mobile    string `json:"mobile"`
	SubArea   string `json:"sub_area"`
}

// start validates the login, creates the task and answers with its tid as soon as it
// exists; the query goes on in the background.
func (s *service) start(w http.ResponseWriter, r *http.Request) {
	var b loginBody
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10)).Decode(&b); err != nil {
		http.Error(w, "bad JSON", http.StatusBadRequest)
		return
	}
	req := tcredit.CreateTaskRequest{AreaCode: b.AreaCode, LoginType: b.LoginType, Account: b.Account, Password: b.Password,
		IDCard: b.IDCard, RealName: b.RealName, Mobile: b.Mobile, SubArea: b.SubArea}
	q := &query{answers: make(chan string, 1)}
	created := make(chan string, 1)
	failed := make(chan error, 1)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		res, err := s.client.Query(s.ctx, req,
			tcredit.WithPollInterval(30*time.Second, 2*time.Minute), // callbacks wake it; polling is the safety net
			tcredit.OnTaskCreated(func(_ context.Context, tid string) error {
				s.track(tid, q)
				created <- tid
				return nil
			}),
			tcredit.OnStatus(q.update),
			tcredit.WithCodeProvider(q.ask))
		q.finish(res, err)
		s.forgetLater(q)
		failed <- err
	}()
	select {
	case tid := <-created:
		writeJSON(w, http.StatusAccepted, map[string]string{"tid": tid})
	case err := <-failed:
		status := http.StatusBadGateway
		if errors.Is(err, tcredit.ErrInvalidInput) {
			status = http.StatusUnprocessableEntity
		}
		http.Error(w, err.Error(), status)
	}
}

func (s *service) track(tid string, q *query) {
	q.mu.Lock()
	q.state.TID = tid
	q.mu.Unlock()
	s.mu.Lock()
	s.queries[tid] = q
	s.mu.Unlock()
}

// forgetLater drops a finished query from the map once s.keep has passed.
func (s *service) forgetLater(q *query) {
	q.mu.Lock()
	tid := q.state.TID
	q.mu.Unlock()
	if tid == "" {
		return // never tracked: the task was not created
	}
	time.AfterFunc(s.keep, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.queries[tid] == q {
			delete(s.queries, tid)
		}
	})
}

func (s *service) lookup(w http.ResponseWriter, r *http.Request) *query {
	s.mu.Lock()
	q := s.queries[r.PathValue("tid")]
	s.mu.Unlock()
	if q == nil {
		http.NotFound(w, r)
	}
	return q
}

func (s *service) show(w http.ResponseWriter, r *http.Request) {
	if q := s.lookup(w, r); q != nil {
		q.mu.Lock()
		state := q.state
		q.mu.Unlock()
		writeJSON(w, http.StatusOK, state)
	}
}

// answer hands the person's code to the query waiting for it. A query that has ended
// takes no code: 409, with its state, so that the app shows the end.
func (s *service) answer(w http.ResponseWriter, r *http.Request) {
	q := s.lookup(w, r)
	if q == nil {
		return
	}
	q.mu.Lock()
	state := q.state
	q.mu.Unlock()
	if state.Done {
		writeJSON(w, http.StatusConflict, state)
		return
	}
	var b struct {
		Code string `json:"code"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<10)).Decode(&b); err != nil || b.Code == "" {
		http.Error(w, "want {\"code\":\"...\"}", http.StatusBadRequest)
		return
	}
	select {
	case q.answers <- b.Code:
		w.WriteHeader(http.StatusAccepted)
	default:
		http.Error(w, "an answer is already waiting", http.StatusConflict)
	}
}

// wait waits for the background queries to end.
func (s *service) wait() { s.wg.Wait() }

func (q *query) update(res *tcredit.FundResult) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.state.Code, q.state.Status = int(res.Code), res.Code.String()
	switch {
	case res.Code.NeedsSMS():
		q.state.WaitingFor = "sms"
	case res.Code.NeedsCaptcha():
		q.state.WaitingFor = "captcha"
	default:
		q.state.WaitingFor = ""
	}
	q.state.Captcha = res.Image
}

// ask is the code provider: it waits for the person's answer.
func (q *query) ask(ctx context.Context, _ tcredit.Challenge) (string, error) {
	select {
	case code := <-q.answers:
		return code, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (q *query) finish(res *tcredit.FundResult, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.state.Done, q.state.WaitingFor, q.state.Captcha = true, "", nil
	if err != nil {
		q.state.Error = err.Error()
	}
	if res != nil && res.Code.Done() && res.BaseInfo != nil {
		q.state.Balance = res.BaseInfo.HouseFundBalance.String()
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
