package main

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/tcredit-go/tcredit"
)

// TestStatusLinePrompt checks that a prompt gets the terminal to itself: the line is
// ended before it, not redrawn over it, and drawn again on a line of its own after.
func TestStatusLinePrompt(t *testing.T) {
	var out syncBuffer
	var passed atomic.Int64
	s := newStatusLine(&out, true, func() time.Time { return testNow.Add(time.Duration(passed.Load())) })
	s.every = time.Hour // no redraw by the clock in this test
	s.begin()
	passed.Store(int64(3 * time.Second))
	s.update(&tcredit.FundResult{Code: tcredit.CodeLoggingIn})
	s.update(&tcredit.FundResult{Code: tcredit.CodeWaitingSMS})
	s.pause()
	out.Write([]byte("SMS code: 123456\n")) // the prompt and the echoed answer
	s.update(&tcredit.FundResult{Code: tcredit.CodeLoggedIn})
	s.resume()
	passed.Store(int64(65 * time.Second))
	s.update(&tcredit.FundResult{Code: tcredit.CodeDone})
	s.end()
	assert.Equal(t, "\r\x1b[K0:03  10001 登录中\r\x1b[K0:03  10003 登录中，等待用户输入短信\n"+
		"SMS code: 123456\n"+
		"\r\x1b[K1:05  40001 爬取结束\n", out.String())
}

func TestStatusLinePiped(t *testing.T) {
	var out syncBuffer
	s := newStatusLine(&out, false, func() time.Time { return testNow })
	s.begin()
	s.update(&tcredit.FundResult{Code: tcredit.CodeCrawling})
	s.pause()
	s.resume()
	s.update(&tcredit.FundResult{Code: tcredit.CodeBadCredentials})
	s.end()
	assert.Equal(t, "0:00  20001 爬取中\n0:00  50004 登录失败,用户名密码输入错误\n", out.String())
}

func TestElapsed(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                            "0:00",
		999 * time.Millisecond:       "0:00",
		7 * time.Second:              "0:07",
		10*time.Minute + time.Second: "10:01",
		time.Hour + 2*time.Minute + 7*time.Second: "1:02:07",
		-time.Second: "0:00",
	} {
		t.Run(d.String(), func(t *testing.T) {
			assert.Equal(t, want, elapsed(d), d.String())
		})
	}
}
