package h5

import "errors"

// refusal is the error of an event the session's state refuses: the Update that
// asked for it stored nothing, for certain.
type refusal struct{ why string }

func (r *refusal) Error() string { return "h5: " + r.why }

var (
	errStale      = &refusal{"session moved on"}
	errLeaseLost  = &refusal{"lease lost"}
	errOtherQuery = &refusal{"the session runs another query"}
	errAnswered   = &refusal{"the challenge was answered"}
)

// settled reports whether the Update that returned err has a known outcome: it
// stored its change (nil), or certainly did not (a refusal, no session). Any other
// error (a timeout, a cut connection) leaves it unknown.
func settled(err error) bool {
	var r *refusal
	return err == nil || errors.As(err, &r) || errors.Is(err, ErrNoSession)
}
