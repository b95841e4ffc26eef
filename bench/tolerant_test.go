package bench

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/tcredit-go/tcredit/internal/fakefund"
	"github.com/tcredit-go/tcredit/internal/wire"
)

// The tolerant scalar types a team would write for goccy/go-json or sonic to read what
// real servers send: each takes its value raw through UnmarshalJSON.

// tfen is money in fen from a number or a numeric string; "" and null are 0.
type tfen int64

func (f *tfen) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		b = bytes.TrimSpace(b[1 : len(b)-1])
	}
	if len(b) == 0 || string(b) == "null" {
		*f = 0
		return nil
	}
	fen, err := wire.ParseFen(b)
	*f = tfen(fen)
	return err
}

// tstr is text from a string (trimmed) or a number; null is "".
type tstr string

func (s *tstr) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		*s = ""
	case len(b) > 0 && b[0] == '"':
		inner := b[1 : len(b)-1]
		if bytes.IndexByte(inner, '\\') >= 0 || !utf8.Valid(inner) {
			u, err := strconv.Unquote(string(b))
			if err != nil {
				return err
			}
			inner = []byte(u)
		}
		*s = tstr(bytes.TrimSpace(inner))
	default:
		*s = tstr(b)
	}
	return nil
}

// tint is a count from a number or a numeric string; "" and null are 0.
type tint int

func (n *tint) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		b = bytes.TrimSpace(b[1 : len(b)-1])
	}
	if len(b) == 0 || string(b) == "null" {
		*n = 0
		return nil
	}
	v, err := strconv.Atoi(string(b))
	*n = tint(v)
	return err
}

// tEnvelope and pEnvelope are the response around the report.
type tEnvelope struct {
	Status  tint         `json:"status"`
	Message tstr         `json:"message"`
	SeqNum  tstr         `json:"seqNum"`
	Data    *tFundResult `json:"data"`
}

type pEnvelope struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
	SeqNum  string `json:"seqNum"`
	Data    struct {
		TID                string   `json:"tid"`
		Code               int      `json:"code"`
		Msg                string   `json:"msg"`
		Fail               []string `json:"fail"`
		CreateTime         string   `json:"createTime"`
		fakefund.PlainData          // the report in plain types: float64 money
	} `json:"data"`
}
