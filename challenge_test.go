package tcredit

import "testing"

// A challenge asked again is the same one unless its image or message is new; a
// message left out is not new.
func TestChallengeRepeats(t *testing.T) {
	sms := Challenge{TID: "t1", Code: CodeWaitingSMS, Message: "验证码已发送"}
	img := Challenge{TID: "t1", Code: CodeWaitingCaptcha, Image: []byte{1, 2, 3}}
	for _, tc := range []struct {
		name        string
		now, before Challenge
		want        bool
	}{
		{"the same SMS challenge", sms, sms, true},
		{"its message left out", Challenge{Code: CodeWaitingSMS}, sms, true},
		{"a new message", Challenge{Code: CodeWaitingSMS, Message: "验证码错误，已重新发送"}, sms, false},
		{"the same image", img, img, true},
		{"a new image", Challenge{Code: CodeWaitingCaptcha, Image: []byte{9}}, img, false},
		{"another code", Challenge{Code: CodeWaitingCaptcha, Message: sms.Message}, sms, false},
		{"another task, the same challenge", Challenge{TID: "t2", Code: CodeWaitingSMS}, sms, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.now.Repeats(tc.before); got != tc.want {
				t.Errorf("Repeats = %v, want %v", got, tc.want)
			}
		})
	}
}
