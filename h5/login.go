package h5

import (
	"context"
	"crypto/hmac"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/tcredit-go/tcredit"
)

// submitLogin checks a posted login form, creates the session (a new one, with a new
// id and CSRF token, whatever cookie came with the form), and starts its query. This
// is the billed path: the form's token is checked against the keys as the store holds
// them now, never against keys read before, so that a store that lost its keys (and
// with them its sessions) refuses every form signed before, and a form starts one
// task at most.
func (h *Handler) submitLogin(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	keys, err := h.keys.fresh(ctx)
	if err != nil {
		h.noSession(w, r, err)
		return
	}
	nonce, key := checkFormToken(keys, r.PostForm.Get("csrf"), h.now())
	if nonce == "" {
		h.refreshForm(w, r)
		return
	}
	cookie := sessionCookieOf(key, nonce)
	id := storeID(cookie)
	create := mayCreate(nonce, h.cookie(r, formCookie))
	if !create && !hmac.Equal([]byte(h.cookie(r, sessionCookie)), []byte(cookie)) {
		h.message(w, http.StatusForbidden, msgExpired)
		return
	}
	// The same form posted again enters the session its first post began; when that
	// session is gone, the store lost it, and with it whether a task was created, so
	// a post that may not create gets a fresh form (fail closed). A first post
	// without a session cookie reads nothing: Create's ErrSessionExists below finds
	// the session of the same form posted twice at once.
	if h.cookie(r, sessionCookie) != "" { // always so when !create: checked above
		switch s, err := h.store.Get(ctx, id); {
		case err == nil:
			h.enter(w, r, s, cookie)
			return
		case create:
		case errors.Is(err, ErrNoSession):
			h.refreshForm(w, r)
			return
		default:
			h.noSession(w, r, err)
			return
		}
	}
	old, err := h.session(r)
	switch {
	case errors.Is(err, ErrNoSession):
	case err != nil:
		h.noSession(w, r, err)
		return
	case old.Step.active():
		seeOther(w, "progress")
		return
	case old.Step == StepDone: // a late repeat of the form, after Back: no second task
		seeOther(w, "result")
		return
	case old.Attempts >= h.opts.MaxCodeAttempts: // no task could take its code
		h.message(w, http.StatusTooManyRequests, msgTooManyAttempts)
		return
	}
	f, ok := h.loadForm(w, r, r.PostForm.Get("city"), r.PostForm.Get("type"))
	if !ok {
		return
	}
	req, err := requestFrom(f.city.AreaCode, f.method, r.PostForm)
	if err = h.checkConsent(r.PostForm, err); err != nil {
		var ve *tcredit.ValidationError
		if !errors.As(err, &ve) {
			ve = &tcredit.ValidationError{}
		}
		h.renderLogin(w, http.StatusUnprocessableEntity, r.PostForm.Get("csrf"), f, r.PostForm, ve, "")
		return
	}
	s, err := h.newSession(r, cookie, old)
	if err != nil {
		h.noSession(w, r, err)
		return
	}
	s.AreaCode, s.LoginType = req.AreaCode, req.LoginType
	if !h.begin() {
		h.message(w, http.StatusServiceUnavailable, msgSystem)
		return
	}
	switch err := h.store.Create(ctx, s); {
	case errors.Is(err, ErrSessionExists): // posted twice at once: the other one runs it
		h.wg.Done()
		if s, err = h.store.Get(ctx, id); err != nil {
			h.noSession(w, r, err)
			return
		}
	case err != nil:
		h.wg.Done()
		h.storeFailed(w, r, err)
		return
	default:
		if old.ID != "" {
			if err := h.store.Delete(ctx, old.ID); err != nil {
				h.log.ErrorContext(ctx, "h5: session store", "error", err)
			}
		}
		go h.create(context.WithoutCancel(ctx), s, req)
	}
	h.enter(w, r, s, cookie)
}

// mayCreate reports whether a login form posted with the form token's nonce may
// create a session, and with it a billed task: only on its first post, which comes
// with the form cookie the form was served with. A form posted again (its form
// cookie spent by the first post) may only enter the session that post created.
func mayCreate(nonce, formCookie string) bool {
	return formCookie != "" && hmac.Equal([]byte(nonce), []byte(formCookie))
}

// refreshForm answers a login form whose token the store's keys do not sign (it
// expired, the keys were rotated, or the store lost them) with the same form, signed
// anew, and a plain message: nothing is billed.
func (h *Handler) refreshForm(w http.ResponseWriter, r *http.Request) {
	f, ok := h.loadForm(w, r, r.PostForm.Get("city"), r.PostForm.Get("type"))
	if !ok {
		return
	}
	token, err := h.newFormToken(w, r)
	if err != nil {
		h.noSession(w, r, err)
		return
	}
	h.renderLogin(w, http.StatusForbidden, token, f, r.PostForm, nil, msgFormExpired)
}

// msgFormExpired is shown above a login form given again for one that was refused.
const msgFormExpired = "页面已过期，请重新填写并提交。"

// newSession returns the session that a login form posted now starts, under the
// cookie, with what it keeps of the browser's old session: the codes submitted.
func (h *Handler) newSession(r *http.Request, cookie string, old Session) (Session, error) {
	run, err := randomToken()
	if err != nil {
		return Session{}, err
	}
	now := h.now()
	s := Session{
		ID: storeID(cookie), CSRF: csrfDigest(csrfToken(cookie)), Run: run,
		Created: now, Expires: now.Add(h.opts.SessionTTL),
		Step: StepRunning, Attempts: old.Attempts,
		Lease: h.owner, LeaseUntil: now.Add(createTimeout + h.lease),
	}
	if h.opts.User != nil {
		s.User = h.opts.User(r)
	}
	if h.opts.Consent != nil { // checked by submitLogin
		s.ConsentVersion, s.ConsentAt = h.opts.Consent.Version, now
	}
	return s, nil
}

// enter gives the browser the cookie of session s, drops its form cookie, and shows
// the page of the session's step.
func (h *Handler) enter(w http.ResponseWriter, r *http.Request, s Session, cookie string) {
	h.setCookie(w, r, sessionCookie, cookie, s.Expires.Sub(h.now()))
	h.setCookie(w, r, formCookie, "", -1)
	seeOther(w, pageOf(s))
}

// requestFrom reads a login form posted for method m of city areaCode, with
// LoginMethod.NewRequest. Each login parameter is posted as "f_" and its name.
func requestFrom(areaCode string, m tcredit.LoginMethod, form url.Values) (tcredit.CreateTaskRequest, error) {
	m.AreaCode = areaCode
	values := make(map[string]string, len(m.LoginParams))
	for _, p := range m.LoginParams {
		v := form.Get("f_" + p.Name)
		if p.Type != "password" {
			v = strings.TrimSpace(v) // a password is taken as typed
		}
		values[p.Name] = v
	}
	return m.NewRequest(values)
}

// consentField is the name of the consent checkbox, in the form and in its problems.
const consentField = "consent"

// errNoConsent is the problem of a login posted without the consent's tick.
var errNoConsent = errors.New("h5: the agreement was not accepted")

// checkConsent adds to err, the problems of a posted login form, the missing tick of
// Options.Consent: the checkbox must come back with the version the form showed.
func (h *Handler) checkConsent(form url.Values, err error) error {
	if h.opts.Consent == nil || form.Get(consentField) == consentValue(h.opts.Consent) {
		return err
	}
	ve := &tcredit.ValidationError{}
	if err != nil && !errors.As(err, &ve) {
		return err
	}
	ve.Fields = append(ve.Fields, &tcredit.FieldError{Field: consentField, Label: h.opts.Consent.Title, Err: errNoConsent})
	return ve
}

// consentValue is the value of the ticked consent checkbox: the agreement's version.
func consentValue(c *Consent) string {
	if c.Version == "" {
		return "yes"
	}
	return c.Version
}
