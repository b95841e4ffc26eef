package tcredit

import (
	"io"
	"net/http"
	"sync"
)

// The sizes a body's buffer starts at. A response's Content-Length is a claim, not
// bytes: it may choose a buffer up to maxInitialBody, and past that the buffer grows
// only with the bytes that arrive, so that a claim of 32 MiB over an 11-byte body
// costs 64 KiB, not 32 MiB.
const (
	unknownLengthBody = 32 << 10 // a body without Content-Length
	maxInitialBody    = 64 << 10 // the most a Content-Length may reserve ahead of its bytes
	maxPooledBody     = 1 << 20  // the largest buffer handed back to the pool
)

// readBody reads at most maxBodySize bytes of the body, then drains a little more and
// closes it so that the connection goes back to the pool. The body is read into a
// buffer taken from a pool, which grows as bytes arrive: the caller hands it back with
// releaseBody once nothing refers to it.
func readBody(resp *http.Response) ([]byte, error) {
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
	}()
	body := bodyBuffer(resp.ContentLength)
	for len(body) <= maxBodySize {
		if len(body) == cap(body) {
			body = growBody(body, resp.ContentLength)
		}
		n, err := resp.Body.Read(body[len(body):min(cap(body), maxBodySize+1)])
		body = body[:len(body)+n]
		if err == io.EOF {
			return body, nil
		}
		if err != nil {
			return body, &cutBodyError{err: err}
		}
	}
	return body, ErrResponseTooLarge
}

// bodies holds the buffers of bodies already decoded, for the next ones.
var bodies sync.Pool // *[]byte

// bodyBuffer returns an empty buffer for a body of contentLength bytes (-1: unknown):
// room for the whole body and the end of the stream after it when that is at most
// maxInitialBody, otherwise a start that growBody extends.
func bodyBuffer(contentLength int64) []byte {
	want := unknownLengthBody
	if contentLength >= 0 {
		want = int(min(contentLength+1, maxInitialBody))
	}
	if b, ok := bodies.Get().(*[]byte); ok && cap(*b) >= want {
		return (*b)[:0]
	}
	return make([]byte, 0, want)
}

// growBody returns a full buffer with twice its room, its bytes kept; never more than
// the declared length (-1: unknown) and the end of the stream after it, when those
// have more room than the bytes already read, nor more than the limit and one byte.
// Growing by doubling allocates at most about three times the bytes that arrived,
// whatever the response claimed.
func growBody(body []byte, contentLength int64) []byte {
	size := max(2*cap(body), 512)
	if contentLength >= int64(len(body)) && contentLength+1 < int64(size) {
		size = int(contentLength + 1)
	}
	size = min(size, maxBodySize+1)
	grown := make([]byte, len(body), size)
	copy(grown, body)
	return grown
}

// releaseBody puts a body's buffer back in the pool, unless it is larger than
// maxPooledBody: a rare large report (up to maxBodySize) would otherwise stay in the
// pool, held for every small body after it. Nothing decoded from a body refers to it:
// the decoder copies every string out, and no response type has a wire.Raw field, the
// one kind of value that would alias it.
func releaseBody(body []byte) {
	if cap(body) > 0 && cap(body) <= maxPooledBody {
		bodies.Put(&body)
	}
}
