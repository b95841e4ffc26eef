package ledger

import (
	"strconv"

	"github.com/tcredit-go/tcredit"
)

// LimitError is the refusal of an attempt beyond the daily limit (WithDailyLimit). It
// matches tcredit.ErrBillingLimit.
type LimitError struct {
	Day   string // the China-time day, as 2006-01-02
	Limit int    // the limit
}

// Error names the day and the limit.
func (e *LimitError) Error() string {
	return "ledger: the daily limit of " + strconv.Itoa(e.Limit) + " creates is reached for " + e.Day
}

// Is matches tcredit.ErrBillingLimit.
func (e *LimitError) Is(target error) bool { return target == tcredit.ErrBillingLimit }
