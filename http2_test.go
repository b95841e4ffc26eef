package tcredit

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// h2ResetServer speaks just enough HTTP/2 (over TLS with ALPN h2) to read each
// request whole and then reset its stream with PROTOCOL_ERROR. It counts the requests
// (HEADERS frames) it read.
func h2ResetServer(t *testing.T) (addr string, client *http.Client, requests *atomic.Int64) {
	// Borrow httptest's certificate, then serve raw HTTP/2 over TLS (ALPN "h2").
	ts := httptest.NewUnstartedServer(nil)
	ts.EnableHTTP2 = true
	ts.StartTLS()
	certs, pool := ts.TLS.Certificates, x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	ts.Close()
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: certs, NextProtos: []string{"h2"}})
	require.NoError(t, err)
	// What the SDK's default transport is, but trusting the test certificate.
	client = &http.Client{Transport: &http.Transport{ForceAttemptHTTP2: true, TLSClientConfig: &tls.Config{RootCAs: pool}}}
	t.Cleanup(func() { l.Close() })
	requests = new(atomic.Int64)
	frame := func(typ, flags byte, stream uint32, payload []byte) []byte {
		b := make([]byte, 9, 9+len(payload))
		b[0], b[1], b[2] = byte(len(payload)>>16), byte(len(payload)>>8), byte(len(payload))
		b[3], b[4] = typ, flags
		binary.BigEndian.PutUint32(b[5:], stream)
		return append(b, payload...)
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				preface := make([]byte, 24)
				if _, err := io.ReadFull(c, preface); err != nil {
					return
				}
				_, _ = c.Write(frame(0x4, 0, 0, nil)) // SETTINGS
				hdr := make([]byte, 9)
				for {
					if _, err := io.ReadFull(c, hdr); err != nil {
						return
					}
					n := int(hdr[0])<<16 | int(hdr[1])<<8 | int(hdr[2])
					typ, flags := hdr[3], hdr[4]
					stream := binary.BigEndian.Uint32(hdr[5:]) & 0x7fffffff
					if _, err := io.CopyN(io.Discard, c, int64(n)); err != nil {
						return
					}
					switch {
					case typ == 0x4 && flags&0x1 == 0:
						_, _ = c.Write(frame(0x4, 0x1, 0, nil)) // SETTINGS ACK
					case typ == 0x1:
						requests.Add(1)
					}
					if (typ == 0x0 || typ == 0x1) && flags&0x1 != 0 { // END_STREAM: request read whole
						_, _ = c.Write(frame(0x3, 0, stream, []byte{0, 0, 0, 1})) // RST_STREAM PROTOCOL_ERROR
					}
				}
			}(c)
		}
	}()
	return l.Addr().String(), client, requests
}

// net/http's HTTP/2 transport sends a request again, through req.GetBody, when the peer
// resets its stream with PROTOCOL_ERROR, even after the whole body was read, and with no
// limit. A billed call must reach the API once all the same.
func TestH2ResetRetriesBilledCall(t *testing.T) {
	addr, hc, requests := h2ResetServer(t)
	c, err := NewClient(testAppID, testTokenID, WithBaseURL("https://"+addr),
		WithHTTPClient(hc), WithRetry(testRetry))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = c.CreateTask(ctx, CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "zhangsan", Password: "p@ss word"})
	require.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.EqualValues(t, 1, requests.Load(), "billed requests that reached the API")
}
