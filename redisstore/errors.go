package redisstore

import "errors"

// ErrContention is returned by Update when the session kept changing under it.
var ErrContention = errors.New("redisstore: the session kept changing; change not stored")

// ErrOutcomeUnknown is returned, wrapping the cause, by Update and Create when the
// reply to a write was lost (a timeout, a cut connection, a failover) and no read
// since could tell whether Redis applied it. The change may be stored or not: read
// the session again before acting on it.
var ErrOutcomeUnknown = errors.New("redisstore: the reply to a write was lost; whether it was stored is unknown")

// ErrNotStored is returned, wrapping the cause, by Update and Create when the reply
// to a write was lost, a read showed that Redis had not applied it, and it could not
// be made again.
var ErrNotStored = errors.New("redisstore: the reply to a write was lost and the write was not applied")
