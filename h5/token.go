package h5

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The cookies of the handler. Over TLS (or with Options.SecureCookies) their names
// take the __Host- prefix, which binds them to the exact host, the path / and Secure,
// so that no sibling subdomain or plain-HTTP response can plant one.
const (
	sessionCookie = "h5session"
	formCookie    = "h5form"
	hostPrefix    = "__Host-"
)

// A login form carries no session: a GET stores nothing. Its browser gets a form
// cookie holding a random nonce, and the form a token: the nonce and an expiry,
// signed with the store's key. A posted form is taken when its token is good and its
// nonce is the form cookie's (so that no other site can post it), or names the
// session the browser has already (the form posted twice, its cookie spent by the
// first post). The session is created under an id derived from the nonce, so that a
// form posted twice makes one session and one task.

// keyring fetches the store's signing key once it is needed, and keeps it.
type keyring struct {
	store SessionStore
	mu    sync.Mutex
	key   []byte
}

// get returns the signing key, asking the store until it answers.
func (k *keyring) get(ctx context.Context) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, nil
	}
	key, err := k.store.SigningKey(ctx)
	if err != nil {
		return nil, err
	}
	k.key = key
	return key, nil
}

// mac returns the HMAC-SHA256 of the parts under key, each part length-prefixed.
func mac(key []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write([]byte(strconv.Itoa(len(p)) + ":" + p))
	}
	return m.Sum(nil)
}

// formToken returns the token of a login form for nonce, valid until expires.
func formToken(key []byte, nonce string, expires time.Time) string {
	exp := strconv.FormatInt(expires.UnixMilli(), 10)
	return nonce + "." + exp + "." + base64.RawURLEncoding.EncodeToString(mac(key, "form", nonce, exp))
}

// checkFormToken returns the nonce of a form token signed with key that has not
// expired at now, or "".
func checkFormToken(key []byte, token string, now time.Time) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || !validNonce(parts[0]) {
		return ""
	}
	nonce, exp, sig := parts[0], parts[1], parts[2]
	ms, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !now.Before(time.UnixMilli(ms)) {
		return ""
	}
	got, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(key, "form", nonce, exp)) {
		return ""
	}
	return nonce
}

// sessionID derives the id of the session that the form of nonce creates: 128 bits
// that only a holder of the key can compute.
func sessionID(key []byte, nonce string) string {
	return base64.RawURLEncoding.EncodeToString(mac(key, "session", nonce)[:16])
}

// secure reports whether the cookies of r are Secure, and so __Host- prefixed.
func (h *Handler) secure(r *http.Request) bool { return r.TLS != nil || h.opts.SecureCookies }

// cookieName returns the name of a cookie of the handler for r.
func (h *Handler) cookieName(r *http.Request, name string) string {
	if h.secure(r) {
		return hostPrefix + name
	}
	return name
}

// cookie returns the value of the handler's cookie name in r, or "".
func (h *Handler) cookie(r *http.Request, name string) string {
	c, err := r.Cookie(h.cookieName(r, name))
	if err != nil {
		return ""
	}
	return c.Value
}

// setCookie gives the browser the cookie name with value for maxAge; a negative
// maxAge deletes it. A __Host- cookie has the path /; another is limited to the
// handler's path.
func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	path := basePath(r)
	if h.secure(r) {
		path = "/"
	}
	age := -1
	if maxAge >= 0 {
		age = int((maxAge + time.Second - 1) / time.Second)
	}
	http.SetCookie(w, &http.Cookie{
		Name:     h.cookieName(r, name),
		Value:    value,
		Path:     path,
		MaxAge:   age,
		HttpOnly: true,
		Secure:   h.secure(r),
		SameSite: http.SameSiteStrictMode,
	})
}

// formNonce returns the nonce of the browser's form cookie, giving it a new one when
// it has none.
func (h *Handler) formNonce(w http.ResponseWriter, r *http.Request) (string, error) {
	if n := h.cookie(r, formCookie); validNonce(n) {
		return n, nil
	}
	n, err := randomToken()
	if err != nil {
		return "", err
	}
	h.setCookie(w, r, formCookie, n, h.opts.SessionTTL)
	return n, nil
}

// validNonce reports whether n has the shape of a nonce: 128 bits in base64url.
func validNonce(n string) bool {
	b, err := base64.RawURLEncoding.DecodeString(n)
	return err == nil && len(b) == 16
}
