package h5

import (
	"context"
	"crypto/hmac"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/internal/discard"
)

// Defaults of Options.
const (
	DefaultSessionTTL      = 30 * time.Minute
	DefaultPollInterval    = 2 * time.Second
	DefaultMaxCodeAttempts = 5
	DefaultKeyOverlap      = 5 * time.Minute
	DefaultTitle           = "公积金查询"
)

// maxBodyBytes caps the body of every POST: a login form or a code is far smaller.
const maxBodyBytes = 16 << 10

// Options configures a Handler. The zero value is usable.
type Options struct {
	// OnResult is called once for each query the handler starts, when it ends: with the
	// report, or with the error: a *tcredit.TaskError (and the result) for a failed task,
	// or another error when no task could be created (s.TID is then empty), the session
	// expired, or the person gave up after too many codes. With several replicas it is
	// called by the replica that sees the end, whichever started the query, and only by
	// it. A replica that stops (Handler.Close) leaves its queries to the others and
	// calls no OnResult for them. It runs with a context that is not canceled by the end
	// of the session, so that it can store the result or the tid.
	OnResult func(ctx context.Context, s Session, res *tcredit.FundResult, err error)

	// Store keeps the sessions; nil keeps them in memory (NewMemoryStore). Replicas
	// that share a store serve each other's sessions.
	Store SessionStore

	// SessionTTL is how long a session lasts from the posting of its login form, the
	// query included, and how long a login form may be filled (DefaultSessionTTL when
	// zero).
	SessionTTL time.Duration

	// Logger receives the handler's logs: tasks created, taken over and ended, by tid
	// and area code, and failures of the store. It never receives logins, passwords,
	// codes or session ids. Nil logs nothing.
	Logger *slog.Logger

	// Title is shown at the top of every page (DefaultTitle when empty).
	Title string

	// SecureCookies marks the cookies Secure, with the __Host- prefix, even on a
	// plain-HTTP request, for a handler behind a proxy that terminates TLS. A request
	// over TLS always gets Secure cookies.
	SecureCookies bool

	// InsecureDevHTTP lets the handler serve its pages, and set its cookies, on a
	// plain-HTTP request without SecureCookies: for development on a loopback
	// address only. Without it such a request is answered with a 500 page, and an
	// error in the log that names this option, because a cookie set over plain HTTP
	// can be planted by anyone on the path, who then receives the person's SMS code
	// in a session of their own.
	InsecureDevHTTP bool

	// KeyOverlap is how long a signing key replaced by Handler.RotateSigningKey still
	// checks the login forms signed with it (DefaultKeyOverlap when zero): a form
	// being filled in when the key changes is taken within it, and refused after.
	// It is at least 5 seconds, the longest a replica signs with a key it read: a
	// shorter one is raised to that, so that every form signed with the key replaced
	// is taken within its overlap.
	KeyOverlap time.Duration

	// PollInterval is how often the progress page looks for news: by meta refresh
	// without JavaScript, by a small JSON request with it (DefaultPollInterval when
	// zero). A query whose replica died is taken over by another within a few
	// intervals.
	PollInterval time.Duration

	// MaxCodeAttempts is how many SMS or captcha codes a session may submit in all
	// (DefaultMaxCodeAttempts when zero).
	MaxCodeAttempts int

	// User, when set, tells who makes a request in the terms of the service that mounts
	// the handler, such as its user id from its own login cookie. Its answer when a
	// query starts is kept in Session.User for OnResult.
	User func(r *http.Request) string

	// QueryOptions are passed to every Client.Wait that follows a task, after the
	// handler's own, for example tcredit.WithPollInterval.
	QueryOptions []tcredit.QueryOption

	// Consent, when set, is the agreement a person must accept before their login is
	// sent. The login form shows it beside an unticked checkbox, a login posted without
	// the tick is refused (the form again, and no task), and the time and version of
	// the consent are kept in the Session that OnResult receives. Set it: a fund
	// account's data is sensitive personal information, which the Personal Information
	// Protection Law lets a lender process only with the person's separate consent.
	// Leaving it nil is a choice NoConsent states; NewHandler panics otherwise.
	Consent *Consent

	// NoConsent says that the login form asks for no consent, because the service
	// obtains it before it sends the person to these pages. It excludes Consent.
	NoConsent bool
}

// Consent is an agreement (授权协议) that a person accepts on the login form.
type Consent struct {
	Title   string // its name, shown as a link to URL, such as 《个人公积金信息查询授权协议》
	URL     string // where it is read in full; when empty, Text is shown on the form
	Text    string // the agreement itself, for a form that shows it in place
	Version string // its version, kept with each consent as evidence, such as "2024-03"
}

// Handler serves the pages of the H5 flow: the city list, a city's login form, the
// progress, SMS and captcha pages and the result. See the package documentation.
type Handler struct {
	client *tcredit.Client
	opts   Options
	store  SessionStore
	keys   keyring
	log    *slog.Logger
	mux    *http.ServeMux
	pages  map[string]*template.Template
	static http.Handler
	now    func() time.Time
	owner  string        // names this handler in the leases of the queries it follows
	lease  time.Duration // how long a lease lasts unless renewed

	resolveTimeout time.Duration // how long transit resolves an unknown outcome

	ctx    context.Context // ends at Close, and with it the following of every query
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	closed bool
}

// NewHandler returns a Handler that runs queries with client. Mount it under a path
// of its own with http.StripPrefix; its links are relative, so any prefix works.
// Call Close to stop following the queries it runs. It panics when opts sets neither
// Consent nor NoConsent, or both: whether the login form asks for consent is a choice
// to make, not a default.
func NewHandler(client *tcredit.Client, opts Options) *Handler {
	switch {
	case opts.Consent == nil && !opts.NoConsent:
		panic("h5: Options.Consent is nil: set it to the agreement the person accepts, or set Options.NoConsent when the service asks for consent before these pages")
	case opts.Consent != nil && opts.NoConsent:
		panic("h5: Options sets both Consent and NoConsent")
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = DefaultSessionTTL
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.MaxCodeAttempts <= 0 {
		opts.MaxCodeAttempts = DefaultMaxCodeAttempts
	}
	if opts.Title == "" {
		opts.Title = DefaultTitle
	}
	if opts.KeyOverlap <= 0 {
		opts.KeyOverlap = DefaultKeyOverlap
	}
	owner, err := randomToken()
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	h := &Handler{
		client: client,
		opts:   opts,
		store:  opts.Store,
		log:    opts.Logger,
		pages:  parsePages(),
		now:    time.Now,
		owner:  owner,
		lease:  max(leaseIntervals*opts.PollInterval, minLease),

		resolveTimeout: storeTimeout,
	}
	if h.store == nil {
		h.store = NewMemoryStore(0)
	}
	h.keys.store, h.keys.now, h.keys.ttl = h.store, func() time.Time { return h.now() }, keyTTL
	if h.log == nil {
		h.log = slog.New(discard.Handler{})
	}
	static, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err) // the embedded directory is part of the package
	}
	h.static = http.StripPrefix("/static", http.FileServer(http.FS(static)))
	h.ctx, h.cancel = context.WithCancel(context.Background())
	h.routes()
	return h
}

// A lease on a query lasts leaseIntervals poll intervals, and no less than minLease.
const (
	leaseIntervals = 3
	minLease       = time.Second
)

func (h *Handler) routes() {
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("GET /{$}", h.serveCities)
	h.mux.HandleFunc("GET /login", h.serveLogin)
	h.mux.HandleFunc("POST /login", h.submitLogin)
	h.mux.HandleFunc("GET /progress", h.serveProgress)
	h.mux.HandleFunc("GET /status.json", h.serveStatus)
	h.mux.HandleFunc("GET /code", h.serveCode)
	h.mux.HandleFunc("POST /code", h.submitCode)
	h.mux.HandleFunc("GET /captcha.png", h.serveCaptcha)
	h.mux.HandleFunc("GET /result", h.serveResult)
	h.mux.Handle("GET /static/", h.static)
}

// securityHeaders are set on every response.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
		"connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'",
	"Cache-Control":          "no-store",
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy":        "no-referrer",
	"X-Frame-Options":        "DENY",
}

// ServeHTTP serves the flow's pages, with the security headers on every response and
// every request body capped. On a plain-HTTP request it serves only the static files,
// unless Options.SecureCookies or Options.InsecureDevHTTP is set.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for k, v := range securityHeaders {
		w.Header().Set(k, v)
	}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	}
	if !h.secure(r) && !h.opts.InsecureDevHTTP && !strings.HasPrefix(r.URL.Path, "/static/") {
		h.log.ErrorContext(r.Context(), "h5: refusing a plain-HTTP request: its cookies could be planted; "+
			"serve over TLS, set Options.SecureCookies behind a proxy that terminates TLS, "+
			"or Options.InsecureDevHTTP for development on a loopback address")
		h.message(w, http.StatusInternalServerError, msgSystem)
		return
	}
	h.mux.ServeHTTP(w, r)
}

// RotateSigningKey makes the store sign login forms with a new key. Forms signed
// with the key it replaces are still taken for Options.KeyOverlap (5 seconds at
// least: the longest a replica signs with a key it read), and refused after;
// every replica that shares the store signs with the new key within a few seconds.
func (h *Handler) RotateSigningKey(ctx context.Context) error {
	if err := h.store.RotateSigningKey(ctx, max(h.opts.KeyOverlap, h.keys.ttl)); err != nil {
		return err
	}
	h.keys.forget()
	return nil
}

// Close stops following the queries the handler runs, hands them over to the
// replicas that share its store, and waits until it has. Pages still answer
// afterwards, but no new query starts and none is taken over.
func (h *Handler) Close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.cancel()
	h.wg.Wait()
}

// begin counts a goroutine of the handler, unless the handler is closed.
func (h *Handler) begin() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.wg.Add(1)
	return true
}

// session returns the request's session, or ErrNoSession. A running query that no
// replica follows any more is taken over on the way.
func (h *Handler) session(r *http.Request) (Session, error) {
	cookie := h.cookie(r, sessionCookie)
	if cookie == "" {
		return Session{}, ErrNoSession
	}
	s, err := h.store.Get(r.Context(), storeID(cookie))
	if err != nil {
		return s, err
	}
	return h.attend(r.Context(), s), nil
}

// postedSession returns the session of a POST whose form carries its CSRF token.
// It answers the request itself, and returns false, when there is none.
func (h *Handler) postedSession(w http.ResponseWriter, r *http.Request) (Session, bool) {
	if !h.parseForm(w, r) {
		return Session{}, false
	}
	s, err := h.session(r)
	if err != nil {
		h.noSession(w, r, err)
		return Session{}, false
	}
	token := r.PostForm.Get("csrf")
	if token == "" || !hmac.Equal([]byte(csrfDigest(token)), []byte(s.CSRF)) {
		h.message(w, http.StatusForbidden, msgForbidden)
		return Session{}, false
	}
	return s, true
}

// parseForm reads a posted form. It answers the request itself, and returns false,
// when it cannot.
func (h *Handler) parseForm(w http.ResponseWriter, r *http.Request) bool {
	err := r.ParseForm()
	if err == nil {
		return true
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		h.message(w, http.StatusRequestEntityTooLarge, msgTooLarge)
	} else {
		h.message(w, http.StatusBadRequest, msgBadRequest)
	}
	return false
}

// noSession answers a request that needs a session and has none (or whose store
// failed).
func (h *Handler) noSession(w http.ResponseWriter, r *http.Request, err error) {
	if !errors.Is(err, ErrNoSession) {
		h.log.ErrorContext(r.Context(), "h5: session store", "error", err)
		h.message(w, http.StatusInternalServerError, msgSystem)
		return
	}
	h.message(w, http.StatusForbidden, msgExpired)
}

// storeFailed answers a request whose store failed.
func (h *Handler) storeFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ErrStoreFull) {
		h.log.WarnContext(r.Context(), "h5: session store full")
		h.message(w, http.StatusServiceUnavailable, msgBusy)
		return
	}
	h.noSession(w, r, err)
}

// basePath is the path the handler is mounted at, with a trailing slash: the request
// URI's path less the path the handler sees after http.StripPrefix. The session
// cookie is limited to it.
func basePath(r *http.Request) string {
	full := r.RequestURI
	if i := strings.IndexAny(full, "?#"); i >= 0 {
		full = full[:i]
	}
	if base, ok := strings.CutSuffix(full, r.URL.EscapedPath()); ok && strings.HasPrefix(base, "/") {
		return base + "/"
	}
	return "/"
}

// seeOther redirects to a path relative to the handler's root, with a relative
// Location so that the mount prefix is kept.
func seeOther(w http.ResponseWriter, to string) {
	w.Header().Set("Location", to)
	w.WriteHeader(http.StatusSeeOther)
}
