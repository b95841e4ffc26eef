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
// Each session is one string key, named by a SHA-256 digest of the session's id
// (itself a digest of the session's cookie), holding the h5.Session as JSON and
// expiring with it: the step, the tid, the city and login method, a digest of the
// CSRF token, the code attempts, the lease and claim tokens, the captcha image while
// it is asked for, and the result page's summary (balance, months, employer). Never a
// cookie, a token, a password, a code, an ID number or the report (SECURITY.md lists
// every field). One more key holds the signing key of the login forms' tokens, made
// by the first replica that needs it and shared by all, and while a rotation's overlap
// lasts another holds the key it replaced; h5.Handler.RotateSigningKey rotates it, and
// deleting both invalidates every open login form at once.
//
// A session changes in an optimistic transaction (WATCH, GET, MULTI, SET, EXEC),
// retried when another replica changed it in between, so that two replicas never
// overwrite each other.
package redisstore
