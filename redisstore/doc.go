// Package redisstore runs the H5 flow of package h5 on several replicas: it keeps
// h5's sessions on Redis (Store) and carries the wake-ups of callbacks from the
// replica a callback reaches to every other (WakeRelay), with the go-redis client a
// service already has. Each replica (ExampleNew):
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	relay := redisstore.NewWakeRelay(rdb)
//	client, err := tcredit.NewClient(appID, tokenID, tcredit.WithWakeRelay(relay))
//	if err != nil {
//		log.Fatal(err)
//	}
//	if err := relay.Subscribe(ctx, client, nil); err != nil {
//		log.Fatal(err)
//	}
//	defer relay.Close()
//	h := h5.NewHandler(client, h5.Options{Store: redisstore.New(rdb), Consent: &agreement, OnResult: onResult})
//	defer h.Close()
//	mux.Handle("/fund/", http.StripPrefix("/fund", h))
//	mux.Handle("POST /fund/callback", tcredit.NewCallbackHandler(func(ctx context.Context, cb tcredit.Callback) error {
//		client.Notify(cb)
//		return nil
//	}, tcredit.WithCallbackSecret(os.Getenv("TCREDIT_CALLBACK_SECRET"))))
//
// # What Redis holds
//
// Each session is one string key, named by a SHA-256 digest of the session's id (so
// that a reader of the keys cannot take a session over), holding the h5.Session as
// JSON and expiring with it: the step, the tid, the city and login method, the CSRF
// token, the code attempts, the lease, the captcha image while it is asked for, and
// the result page's summary (balance, months, employer). Never a password, a code, an
// ID number or the report. One more key holds the signing key of the login forms'
// tokens, made by the first replica that needs it and shared by all; delete it to
// invalidate every open login form.
//
// A session changes in an optimistic transaction (WATCH, GET, MULTI, SET, EXEC),
// retried when another replica changed it in between, so that two replicas never
// overwrite each other.
package redisstore
