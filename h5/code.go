package h5

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode"

	"github.com/tcredit-go/tcredit"
)

// maxCodeLen is the longest SMS or captcha code accepted.
const maxCodeLen = 16

// submitCode submits the code the person typed to the task, once: of two posts of a
// code for one challenge, on one replica or two, one goes to the provider. The post
// claims the challenge under a random token; when the store's answer to the claim is
// lost, the session read again tells whether the claim applied. A claimed code is
// submitted; a code whose claim cannot be told is not, and the person is asked for it
// again. The code itself never goes into the store.
func (h *Handler) submitCode(w http.ResponseWriter, r *http.Request) {
	s, ok := h.postedSession(w, r)
	if !ok {
		return
	}
	if s.Step == StepRunning {
		s = h.unclaim(r.Context(), s)
	}
	if s.Step != StepSMS && s.Step != StepCaptcha {
		seeOther(w, pageOf(s))
		return
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	if problem := checkCode(code); problem != "" && s.Attempts < h.opts.MaxCodeAttempts {
		h.renderCode(w, r, http.StatusUnprocessableEntity, s, problem)
		return
	}
	in := h.in(s)
	claim, err := randomToken()
	if err != nil {
		h.noSession(w, r, err)
		return
	}
	in.claim = claim
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), storeTimeout)
	defer cancel()
	claimed, err := h.transit(ctx, s.ID, evAnswer, in)
	switch {
	case errors.Is(err, ErrNoSession):
		h.noSession(w, r, err)
		return
	case settled(err) && err != nil:
		if now, gerr := h.store.Get(ctx, s.ID); gerr == nil {
			s = now
		}
		seeOther(w, pageOf(s))
		return
	case err != nil:
		// The claim's outcome stayed unknown: the code is not submitted, and the
		// claim, if it applied, is taken back, so that the person is asked again.
		h.log.ErrorContext(ctx, "h5: session store", "tid", s.TID, "error", err)
		h.reopen(ctx, s, claim)
		h.renderCode(w, r, http.StatusServiceUnavailable, s, "系统繁忙，验证码未提交，请重新输入")
		return
	case claimed.Step == StepFailed:
		h.report(ctx, claimed, &tcredit.FundResult{TID: claimed.TID, Code: claimed.Code},
			&tcredit.QueryError{TID: claimed.TID, Err: errTooManyAttempts})
		h.message(w, http.StatusTooManyRequests, msgTooManyAttempts)
		return
	}
	if err := h.client.SubmitCode(ctx, s.TID, code); err != nil && !errors.Is(err, tcredit.ErrOutcomeUnknown) {
		// The code did not reach the task, or the provider refused it: the challenge
		// is open again.
		h.log.WarnContext(ctx, "h5: code not submitted", "tid", s.TID, "cause", cause(err))
		s = h.reopen(ctx, claimed, claim)
		h.renderCode(w, r, http.StatusBadGateway, s, "验证码提交失败，请重试")
		return
	}
	h.confirm(claimed, claim)
	h.client.Notify(tcredit.Callback{TID: s.TID}) // the replica that follows the task looks at once
	seeOther(w, "progress")
}

// confirm records in the session of s that the code claimed under claim was
// submitted, so that its claim is never taken back. It has a time of its own: the
// request's may be spent.
func (h *Handler) confirm(s Session, claim string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(h.ctx), storeTimeout)
	defer cancel()
	in := h.in(s)
	in.claim = claim
	if _, err := h.transit(ctx, s.ID, evSent, in); !settled(err) {
		h.log.ErrorContext(ctx, "h5: session store", "tid", s.TID, "error", err)
	}
}

// unclaim opens the challenge of s again when a code was claimed for it claimTimeout
// ago and never confirmed sent: its request ended without submitting it, or could not
// say so. It returns the session as it is then.
func (h *Handler) unclaim(ctx context.Context, s Session) Session {
	if s.ClaimedAt.IsZero() || h.now().Sub(s.ClaimedAt) < claimTimeout {
		return s
	}
	reopened, err := h.transit(ctx, s.ID, evUnclaim, h.in(s))
	if err != nil {
		if !settled(err) {
			h.log.ErrorContext(ctx, "h5: session store", "tid", s.TID, "error", err)
		}
		return s
	}
	h.log.WarnContext(ctx, "h5: a claimed code was never confirmed sent: asking for it again", "tid", s.TID)
	return reopened
}

// reopen opens the challenge of s again after the code claimed under claim was not
// submitted, unless the session moved on.
func (h *Handler) reopen(ctx context.Context, s Session, claim string) Session {
	in := h.in(s)
	in.claim = claim
	reopened, err := h.transit(ctx, s.ID, evReopen, in)
	if err != nil {
		if !settled(err) {
			h.log.ErrorContext(ctx, "h5: session store", "tid", s.TID, "error", err)
		}
		return s
	}
	return reopened
}

// checkCode returns what is wrong with a typed code, in words, or "".
func checkCode(code string) string {
	if code == "" {
		return "请输入验证码"
	}
	if len(code) > maxCodeLen {
		return "验证码过长"
	}
	for _, c := range code {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			return "验证码只能包含字母和数字"
		}
	}
	return ""
}
