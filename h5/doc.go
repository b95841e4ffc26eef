// Package h5 serves the pages a lender's end user sees to share their housing fund
// account: an embeddable H5 (mobile web) login flow, driven by
// tcredit.Client.CreateTask and tcredit.Client.Wait.
//
// A Handler is mounted under a path of its own:
//
//	h := h5.NewHandler(client, h5.Options{
//		Consent:  &h5.Consent{Title: "《个人公积金信息查询授权协议》", URL: agreementURL, Version: "2024-03"},
//		OnResult: func(ctx context.Context, s h5.Session, res *tcredit.FundResult, err error) { … },
//	})
//	defer h.Close()
//	mux.Handle("/fund/", http.StripPrefix("/fund", h))
//
// The person's password goes from their phone to the provider through the lender's
// own server and nowhere else, and is never stored.
//
// # Pages
//
// All links and redirects are relative, so the handler works under any prefix.
//
//	/              the city list, with a filter (?q=) that works without JavaScript;
//	               cities under maintenance or in development are shown greyed
//	/login         a city's login form (?city=CODE&type=N), one tab per login method
//	/progress      the task's status in words; it refreshes itself
//	/status.json   the session's step, polled by the progress page's script
//	/code          the SMS or captcha page
//	/captcha.png   the captcha image of the session
//	/result        the report's summary, or the failure and what to do next
//	/static/       the style sheet and the script
//
// The pages are html/template files embedded in the package, in Chinese, mobile first,
// and work without JavaScript: the progress page refreshes itself with a meta refresh
// inside noscript, and with JavaScript on, static/h5.js polls /status.json instead.
//
// # Flow
//
// The posted form is read with tcredit.LoginMethod.NewRequest, and its problems shown
// next to their fields, before anything is billed. A valid form creates the session
// and then the task, once: a second submission of the same form, however close, and
// on whichever replica, joins the first. The handler then follows the task with
// Client.Wait and keeps the session's step up to date; when the task waits for a code,
// the SMS or captcha page asks for it, and the replica the person posts it to submits
// it to the provider. After a failure the person may start again from the form.
// Options.OnResult is called once for each query, when it ends.
//
// # Consent
//
// A fund account's data is sensitive personal information: under the Personal
// Information Protection Law a lender processes it only with the person's separate
// consent. With Options.Consent the login form shows the agreement beside an unticked
// checkbox (inputs for mobile numbers, ID cards and codes also ask phones for the
// fitting keyboard), a login posted without the tick gets the form again with a
// message and creates no task, and the agreement's version and the time of the
// consent are kept in the Session that OnResult receives. A service that asks for
// consent before it sends the person to these pages says so with Options.NoConsent;
// NewHandler panics when Options sets neither.
//
// # Security
//
// The handler serves its pages over TLS, or behind a proxy that terminates TLS with
// Options.SecureCookies. A plain-HTTP request without either is answered with a 500
// page and an error in the log that names the options, because a cookie set over
// plain HTTP can be planted by anyone on the path; Options.InsecureDevHTTP allows it,
// for development on a loopback address.
//
// Every page is an html/template. A GET stores nothing: the login form carries a
// token signed with the store's key (SessionStore.SigningKeys), bound to a form cookie
// of the browser. The session is created when the form is posted, with a new id and a
// new CSRF token whatever cookie came with it, so that a session id planted before the
// login is worth nothing. The session's cookie holds 128 bits, HttpOnly, SameSite=Strict
// and limited to the handler's path; over TLS or with Options.SecureCookies it is
// Secure and named with the __Host- prefix (and so has the path /), which no sibling
// subdomain and no plain-HTTP response can set. It expires after Options.SessionTTL.
// Every POST carries its CSRF token, compared in constant time; without it the answer
// is 403. The store holds nothing a browser presents: a session is stored under a
// SHA-256 digest of its cookie (Session.ID), with a digest of its CSRF token
// (Session.CSRF), so that a reader of the store, or of a backup of it, cannot take a
// session over. The session holds neither password nor code: they go from the request to
// the provider and are dropped there, and no URL carries personal data. Logs name
// tasks by tid only. Every response carries a Content-Security-Policy that allows
// nothing but the handler's own files (no inline script, no data: images,
// frame-ancestors 'none'), Cache-Control: no-store, X-Content-Type-Options: nosniff and
// Referrer-Policy: no-referrer. Because of that policy the captcha image is served
// from /captcha.png, bound to the session's cookie, and not as a data: URI. Request
// bodies are capped at 16 KiB, and a session may submit Options.MaxCodeAttempts codes
// in all. The memory store holds a bounded number of sessions (NewMemoryStore): when
// it is full of live ones, a new login is refused with a page that asks the person to
// come back later.
//
// # Signing keys
//
// A posted login form, the request that bills, is checked against the signing keys as
// the store holds them then, never against a key read before; new forms are signed
// with a key read at most 5 seconds ago. A form therefore starts one task at most,
// even when the store loses everything: a store that lost its keys makes a new one,
// and a form signed before is refused with a plain message and the same form signed
// anew (the person types their password again), never billed twice. Within 10 seconds
// of a loss or a rotation, every replica signs and checks with the same key.
//
// Handler.RotateSigningKey makes a new key on the store that every replica shares. The
// key it replaces still checks forms for Options.KeyOverlap (DefaultKeyOverlap, 5
// minutes: the time to fill in a form; 5 seconds at least, the longest a replica
// signs with a key it read), and every form signed with it is refused after. To rotate with no overlap, after a leak, delete the store's signing keys
// (with package redisstore, the keys its documentation names): every open form is
// refused at once.
//
// # Several replicas
//
// A service that runs several replicas behind a load balancer gives each the same
// SessionStore (package github.com/tcredit-go/tcredit/redisstore keeps sessions on
// Redis), and needs no sticky sessions: any request of a session may reach any
// replica, and every replica shows the same page for it.
//
// The session holds all there is to know of its query: the tid, the step, the
// challenge the task waits on and whether a code was submitted for it. Every change
// to it is one event of one table (the steps it may happen at, its guards, the step
// it leads to), applied inside an atomic SessionStore.Update, so the task is created
// once per posted form, and a typed code is submitted once per challenge, by the
// replica it was posted to. A replica writes a task's news only into the session of
// that query and task: not into a session created again under the same id after the
// store lost the first.
//
// An Update whose outcome is unknown (a timeout, a cut connection, a failover) is
// resolved by reading the session again, never by assuming, for up to 10 seconds. A
// posted code claims its challenge under a random token kept in the session; once the
// claim is known to have applied, the code is submitted and its sending confirmed in
// the session, and when that cannot be told, it is not, and the person is asked for it
// again. A claim left unconfirmed for 20 seconds is taken back (by the next post of a
// code, or by the replica that follows the task), so that the person is asked again;
// a confirmed one never is. A typed code reaches the provider once, or the person
// types it again; never twice, and never lost. The code itself is never stored. A task
// whose tid cannot be written after its creation is followed to its end all the same
// by the replica that created it, which writes the tid once the store takes it. A
// login form posted again may only enter the session its first post made: when the
// store lost that session, the form is refused as one whose key was lost is.
// A new captcha image (the code page's "换一张") is asked of the API once every 3
// seconds per session at most.
// One replica follows each running task, under a lease kept in the session and
// renewed every PollInterval; two replicas never poll one task. When that replica
// stops (Handler.Close, a deploy) it hands the lease back; when it dies (SIGKILL, a
// lost node) the lease runs out after a few poll intervals, and the next request of
// the session, on any replica, takes the query over and follows it from its tid.
// Nothing is lost but a creation cut off between the provider's answer and the
// store by the death of its replica (the session then fails, and OnResult gets an
// error matching
// tcredit.ErrOutcomeUnknown), or a code cut off between the store and the provider
// (the task then times out waiting for it, and the person may start again).
//
// OnResult is called by the replica that sees the query end. A query whose person
// leaves is followed to its end by the replica that holds its lease; if that replica
// dies too, nobody follows it, and its task waits, billed, for a Client.Wait on its
// tid: a service that must account for every task records the tids of its sessions.
//
// Callbacks reach one replica; tcredit.WithWakeRelay carries their wake-ups to the
// replica that follows the task (redisstore.NewWakeRelay does it over Redis pub/sub).
package h5
