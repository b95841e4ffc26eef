package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
)

// errInputEnded is the error of a question asked after the input ended.
var errInputEnded = errors.New("the input ended")

// input reads the answers to the prompts, one line each. A line is read only when it
// is asked for, by a goroutine, so that a question can be given up when the context
// ends while the read goes on.
type input struct {
	asks    chan struct{}
	answers chan answer
}

type answer struct {
	line string
	err  error
}

func newInput(r io.Reader) *input {
	in := &input{asks: make(chan struct{}), answers: make(chan answer, 1)}
	go in.serve(bufio.NewReader(r))
	return in
}

// serve reads one line per ask until close is called; once the input has ended, each
// ask is answered with the error that ended it.
func (in *input) serve(r *bufio.Reader) {
	var err error
	for range in.asks {
		if err != nil {
			in.answers <- answer{err: err}
			continue
		}
		var line string
		line, err = r.ReadString('\n')
		if err == io.EOF && line != "" {
			in.answers <- answer{line: strings.TrimRight(line, "\r\n")}
			continue
		}
		in.answers <- answer{line: strings.TrimRight(line, "\r\n"), err: err}
	}
}

// close ends the reading goroutine once its current read, if any, returns.
func (in *input) close() { close(in.asks) }

// line reads the next line, without its line ending. It fails with errInputEnded
// once the input has ended, and with the context's error when ctx ends first.
func (in *input) line(ctx context.Context) (string, error) {
	select {
	case in.asks <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	select {
	case a := <-in.answers:
		switch {
		case a.err == io.EOF:
			return "", errInputEnded
		case a.err != nil:
			return "", a.err
		}
		return a.line, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// sttyEchoOff turns off the echo of the terminal, for a password, with stty(1). It is
// used only when stdin is a terminal.
func sttyEchoOff() (restore func(), err error) {
	if err := stty("-echo"); err != nil {
		return nil, err
	}
	return func() { _ = stty("echo") }, nil
}

func stty(arg string) error {
	tty, err := os.Open("/dev/tty")
	if err != nil {
		return err
	}
	defer tty.Close()
	cmd := exec.Command("stty", arg)
	cmd.Stdin = tty
	return cmd.Run()
}

// isTerminal reports whether f is a character device, such as a terminal.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
