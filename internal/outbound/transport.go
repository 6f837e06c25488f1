package outbound

import (
	"fmt"
	"net/http"
)

// transport sets the User-Agent and the fixed headers of each request and bounds each response
// body before handing the response back.
type transport struct {
	next      http.RoundTripper
	userAgent string
	header    http.Header
	maxBytes  int64
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.userAgent != "" || len(t.header) > 0 {
		req = req.Clone(req.Context())
		if t.userAgent != "" {
			req.Header.Set("User-Agent", t.userAgent)
		}
		for k, v := range t.header {
			req.Header[k] = append([]string(nil), v...)
		}
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > t.maxBytes {
		resp.Body.Close()
		return nil, fmt.Errorf("outbound: response declares %d bytes, over the limit of %d: %w",
			resp.ContentLength, t.maxBytes, ErrResponseTooLarge)
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.maxBytes, limit: t.maxBytes}
	return resp, nil
}
