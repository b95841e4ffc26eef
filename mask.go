package tcredit

import "github.com/tcredit-go/tcredit/internal/mask"

// MaskIDCard hides an ID card number the way the SDK's logs and errors show it: the
// first four and last four characters kept, the rest starred (4301**********1234).
// Use it wherever a report is shown to someone who needs to tell two people apart but
// not to know who they are.
func MaskIDCard(s string) string { return mask.IDCard(s) }

// MaskMobile hides a mobile number: the first three and last four digits kept
// (138****8000).
func MaskMobile(s string) string { return mask.Mobile(s) }

// MaskName hides a personal name: its first character kept (张三 is 张*).
func MaskName(s string) string { return mask.Name(s) }
