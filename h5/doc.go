// Package h5 serves the pages a lender's end user sees to share their housing fund
// account: an embeddable H5 (mobile web) login flow, driven by tcredit.Client.Query.
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
// next to their fields, before anything is billed. A valid form starts Client.Query in
// a goroutine whose context ends with the session or at Handler.Close; its code
// provider waits until the person posts the SMS or captcha page. A session runs one
// query at a time: a second submission while one runs, however close, creates no
// second task. After a failure the person may start again from the form. Options.OnResult
// is called once for each query, when it ends.
//
// # Consent
//
// A fund account's data is sensitive personal information: under the Personal
// Information Protection Law a lender processes it only with the person's separate
// consent. With Options.Consent the login form shows the agreement beside an unticked
// checkbox (inputs for mobile numbers, ID cards and codes also ask phones for the
// fitting keyboard), a login posted without the tick gets the form again with a
// message and creates no task, and the agreement's version and the time of the
// consent are kept in the Session that OnResult receives.
//
// # Security
//
// Every page is an html/template. The session is a 128-bit random id in an HttpOnly,
// SameSite=Strict cookie limited to the handler's path, Secure over TLS or with
// Options.SecureCookies, and it expires after Options.SessionTTL. Every POST carries
// the session's CSRF token, compared in constant time; without it the answer is 403.
// The session holds neither password nor code: they go from the request to the query
// and are dropped there, and no URL carries personal data. Logs name tasks by tid only.
// Every response carries a Content-Security-Policy that allows nothing but the
// handler's own files (no inline script, no data: images, frame-ancestors 'none'),
// Cache-Control: no-store, X-Content-Type-Options: nosniff and Referrer-Policy:
// no-referrer. Because of that policy the captcha image is served from /captcha.png,
// bound to the session's cookie, and not as a data: URI. Request bodies are capped at
// 16 KiB, and a session may submit Options.MaxCodeAttempts codes in all.
//
// # Several replicas
//
// Sessions are kept in memory unless Options.Store gives a SessionStore. A service
// that runs several replicas stores them where every replica sees them; see
// SessionStore for what must be shared, and why requests of a session must still reach
// the replica that runs its query (sticky sessions).
package h5
