// Package redisstore runs the H5 flow of package h5 on several replicas: it keeps
// h5's sessions on Redis (Store) and carries the wake-ups of callbacks from the
// replica a callback reaches to every other (WakeRelay), with the go-redis client a
// service already has: a *redis.Client for one Redis server, a *redis.ClusterClient
// for a Redis Cluster (ExampleNew_cluster), or any redis.UniversalClient. Each
// replica (ExampleNew):
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
// Every name begins with the prefix (DefaultPrefix, "tcredit:", unless WithPrefix
// says otherwise). Redis holds these keys, and nothing else:
//
//   - tcredit:h5:session:<digest>, one per session: <digest> is the hex SHA-256 of
//     the session's id, itself h5's SHA-256 digest of the session's cookie; neither
//     the cookie nor the id is stored. The value is the h5.Session as JSON, every
//     field but ID (the step, the tid, the run and claim tokens of the handler, the
//     city and login method, a digest of the CSRF token, the code attempts, digests
//     of the challenge, the lease, the captcha image while it is asked for, the
//     consent's version and time, and the result page's summary: balance, months,
//     employer; SECURITY.md lists every field), and
//     "_writes": the random ids of the last four writes of the session. Never a
//     password, a code, an ID number or the report. It expires at the session's
//     Expires, to the millisecond.
//   - tcredit:{h5:signing-key}: the 32 random bytes that the login forms' tokens are
//     signed with, made by the first replica that asks for them and shared by all.
//     It does not expire.
//   - tcredit:{h5:signing-key}:previous, after a rotation: the 32 bytes of the key
//     RotateSigningKey replaced, good for checking tokens only, until the overlap it
//     was given ends: the key's TTL.
//
// The wake-ups go on the channel tcredit:wake, as "<relay> <tid>" (a random name of
// the relay that published it, and the task's tid), and are not stored.
//
// # Rotating the signing key
//
// Call Store.RotateSigningKey with an overlap (h5.Handler.RotateSigningKey passes
// h5.Options.KeyOverlap): every replica signs with the new key once the keys it read
// expire from its cache, within 5 seconds, and every replica takes the forms signed
// with the key replaced until the overlap ends. Give an overlap of 5 seconds at least,
// or forms a replica signs with the old key in those seconds are refused
// (h5.Handler.RotateSigningKey raises a shorter one to that); to keep every open form
// good, make it as long as a form lasts: a login form's token lasts
// h5.Options.SessionTTL. A second rotation within the
// overlap drops the first retired key at once. For a rotation without overlap,
// which refuses every open form at once, call RotateSigningKey with 0, or delete
// both keys:
//
//	redis-cli DEL 'tcredit:{h5:signing-key}' 'tcredit:{h5:signing-key}:previous'
//
// The next replica that needs a key makes a new one. A Redis that loses its data
// loses both keys the same way, and so refuses the forms signed before.
//
// # Round trips
//
// Create is one SET NX. Update changes a session with one compare-and-set script
// (EVALSHA): the new value is written only if the key still holds the value the
// change was made on, else the script answers with the value it holds and Update
// changes that, so that two replicas never overwrite each other. The value the
// change is first made on is the one the Store last read or wrote for the session,
// when it has it, so that the replica that follows a session changes it in one
// round trip; otherwise Update reads it first (GET). SigningKeys is one script.
//
// A write whose reply is lost (a timeout, a cut connection, a failover) is never
// taken as done or as undone: Update reads the session again and looks for the
// write's id in "_writes". It returns the session when the write was applied,
// changes and writes it again when it was not, and returns an error wrapping
// ErrOutcomeUnknown when it cannot tell (Redis unreachable, or rewritten by a
// version of this package that keeps no "_writes") or ErrNotStored when the write
// was not applied and cannot be made again (the context ended). Create likewise
// reads the key: the session there is its own when it lists the write's id.
//
// # Redis Cluster
//
// Each script touches the keys of one hash slot only: a session's script its one
// key, the signing keys' scripts the two keys that share the hash tag
// {h5:signing-key}. A prefix with a hash tag of its own, such as "{tcredit}:", puts
// every key in that slot. The wake-ups use classic pub/sub, which a cluster
// delivers to the subscribers of every node, whichever node publishes.
package redisstore
