package h5

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
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
// signed with the store's key. A posted form is taken when its token is good under a
// key the store holds now and its nonce is the form cookie's (so that no other site
// can post it), or names the session the browser has already (the form posted twice,
// its cookie spent by the first post). The session's cookie is derived from the nonce
// and the key, so that a form posted twice makes one session and one task, and a
// store that lost its keys (and so its sessions) refuses every form signed before.
//
// The store holds no value a browser presents: sessions are stored under a digest of
// their cookie (Session.ID), and the CSRF token of a session, derived from its cookie,
// is stored as a digest too (Session.CSRF).

// keyTTL is how long a handler signs login forms with the keys it read from the
// store before it reads them again. A posted form is always checked against the keys
// as the store holds them then.
const keyTTL = 5 * time.Second

// keyring reads the store's signing keys, and keeps them for keyTTL.
type keyring struct {
	store SessionStore
	now   func() time.Time
	ttl   time.Duration // keyTTL

	mu   sync.Mutex
	keys [][]byte
	read time.Time
}

// signing returns the key to sign a form with, read from the store at most keyTTL
// ago.
func (k *keyring) signing(ctx context.Context) ([]byte, error) {
	k.mu.Lock()
	keys, read := k.keys, k.read
	k.mu.Unlock()
	if keys != nil && k.now().Sub(read) < k.ttl {
		return keys[0], nil
	}
	keys, err := k.fresh(ctx)
	if err != nil {
		return nil, err
	}
	return keys[0], nil
}

// fresh returns the keys as the store holds them now: the signing key, then the
// retired keys still good for checking.
func (k *keyring) fresh(ctx context.Context) ([][]byte, error) {
	keys, err := k.store.SigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 || len(keys[0]) < minKeyLen {
		return nil, errBadKey
	}
	k.mu.Lock()
	k.keys, k.read = keys, k.now()
	k.mu.Unlock()
	return keys, nil
}

// forget drops the keys read, so that the next form is signed with the store's.
func (k *keyring) forget() {
	k.mu.Lock()
	k.keys = nil
	k.mu.Unlock()
}

// minKeyLen is the shortest signing key the handler takes.
const minKeyLen = 32

// errBadKey is the error of a store whose signing key is missing or too short.
var errBadKey = errors.New("h5: the store's signing key is shorter than 32 bytes")

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

// checkFormToken returns the nonce of a form token signed with one of keys that has
// not expired at now, and the key; or "" and nil.
func checkFormToken(keys [][]byte, token string, now time.Time) (string, []byte) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || !validNonce(parts[0]) {
		return "", nil
	}
	nonce, exp, sig := parts[0], parts[1], parts[2]
	ms, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !now.Before(time.UnixMilli(ms)) {
		return "", nil
	}
	got, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil {
		return "", nil
	}
	for _, key := range keys {
		if hmac.Equal(got, mac(key, "form", nonce, exp)) {
			return nonce, key
		}
	}
	return "", nil
}

// sessionCookieOf derives the session cookie that the form of nonce, signed with key,
// creates: 128 bits that only a holder of the key can compute.
func sessionCookieOf(key []byte, nonce string) string {
	return base64.RawURLEncoding.EncodeToString(mac(key, "session", nonce)[:16])
}

// storeID is the id a session is stored under: a digest of its cookie, which the
// store never sees.
func storeID(cookie string) string { return digest("session-id", cookie) }

// csrfToken is the anti-forgery token of the session whose cookie is cookie: only a
// holder of the cookie can compute it.
func csrfToken(cookie string) string {
	return base64.RawURLEncoding.EncodeToString(mac([]byte(cookie), "csrf")[:16])
}

// csrfDigest is what the store keeps of a CSRF token (Session.CSRF).
func csrfDigest(token string) string { return digest("csrf", token) }

// digest is the SHA-256 of v, for purpose, in base64url: what the store keeps of a
// value a browser presents.
func digest(purpose, v string) string {
	sum := sha256.Sum256([]byte(strconv.Itoa(len(purpose)) + ":" + purpose + v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
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
