package outbound

import (
	"errors"
	"fmt"
	"io"
)

// ErrResponseTooLarge is wrapped by the error returned when a response body
// is larger than the client's MaxResponseBytes.
var ErrResponseTooLarge = errors.New("outbound: response body too large")

// limitedBody passes a response body through until more than limit bytes
// have been read, then fails every further read.
type limitedBody struct {
	rc    io.ReadCloser
	left  int64 // bytes still allowed
	limit int64
	err   error
}

// Read implements io.Reader. It reads one byte past the limit so that a
// body of exactly limit bytes ends with io.EOF and a longer one with an
// error wrapping ErrResponseTooLarge.
func (b *limitedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	if int64(n) > b.left {
		n = int(b.left)
		b.left = 0
		b.err = fmt.Errorf("outbound: response body exceeds %d bytes: %w", b.limit, ErrResponseTooLarge)
		return n, b.err
	}
	b.left -= int64(n)
	return n, err
}

// Close implements io.Closer.
func (b *limitedBody) Close() error {
	return b.rc.Close()
}
