package outbound

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// newServer starts an httptest server on 127.0.0.1 closed at cleanup.
func newServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, c *http.Client, url string) ([]byte, error) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func TestUserAgentIsSent(t *testing.T) {
	t.Parallel()
	var seen atomic.Value
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.UserAgent())
	})
	c := NewClient(nil, Options{UserAgent: "authchain/test"})

	req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", "caller")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if got := seen.Load(); got != "authchain/test" {
		t.Errorf("server saw User-Agent %q; want authchain/test", got)
	}
	if got := req.Header.Get("User-Agent"); got != "caller" {
		t.Errorf("the caller's request was modified: User-Agent %q", got)
	}
}

func TestTimeoutIsApplied(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c := NewClient(nil, Options{Timeout: 50 * time.Millisecond})

	start := time.Now()
	_, err := get(t, c, srv.URL)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("got %v; want a timeout error", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the call took %v despite a 50ms timeout", d)
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c := NewClient(nil, Options{})
	if c.Timeout != DefaultTimeout {
		t.Errorf("Timeout = %v; want %v", c.Timeout, DefaultTimeout)
	}
	if tr := c.Transport.(*transport); tr.maxBytes != DefaultMaxResponseBytes {
		t.Errorf("limit = %d; want %d", tr.maxBytes, DefaultMaxResponseBytes)
	}
	if c.Transport.(*transport).next == http.DefaultTransport {
		t.Error("a nil base must get its own transport, not the shared default")
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	const limit = 1000
	tests := []struct {
		name    string
		size    int
		chunked bool
		wantErr bool
	}{
		{"declared, at the limit", limit, false, false},
		{"declared, over the limit", limit + 1, false, true},
		{"chunked, at the limit", limit, true, false},
		{"chunked, over the limit", limit + 1, true, true},
		{"chunked, far over the limit", 50 * limit, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if !tt.chunked {
					w.Header().Set("Content-Length", strconv.Itoa(tt.size))
				}
				for i := 0; i < tt.size; i += 100 {
					io.WriteString(w, strings.Repeat("x", min(100, tt.size-i)))
					if tt.chunked {
						w.(http.Flusher).Flush()
					}
				}
			})
			c := NewClient(nil, Options{MaxResponseBytes: limit})
			body, err := get(t, c, srv.URL)
			if tt.wantErr {
				if !errors.Is(err, ErrResponseTooLarge) {
					t.Fatalf("got %d bytes, err %v; want ErrResponseTooLarge", len(body), err)
				}
				if len(body) > limit {
					t.Errorf("%d bytes delivered past the limit", len(body))
				}
				return
			}
			if err != nil || len(body) != tt.size {
				t.Fatalf("got %d bytes, err %v; want %d bytes", len(body), err, tt.size)
			}
		})
	}
}

// countingTransport counts the requests it forwards.
type countingTransport struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

func TestBaseTransportIsUsedAndBaseUnchanged(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {})
	rt := &countingTransport{next: http.DefaultTransport}
	redirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	base := &http.Client{Transport: rt, Timeout: time.Minute, CheckRedirect: redirect}

	c := NewClient(base, Options{Timeout: time.Second, UserAgent: "x"})
	if _, err := get(t, c, srv.URL); err != nil {
		t.Fatal(err)
	}

	if rt.n.Load() != 1 {
		t.Errorf("base transport saw %d requests; want 1", rt.n.Load())
	}
	if base.Transport != rt || base.Timeout != time.Minute {
		t.Errorf("base client was modified: %+v", base)
	}
	if c == base || c.Timeout != time.Second {
		t.Errorf("new client: same pointer %v, Timeout %v", c == base, c.Timeout)
	}
	if base.CheckRedirect == nil {
		t.Error("the base client's redirect policy was removed")
	}
}

func TestDeclaredOversizeFailsBeforeBody(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5000")
		io.WriteString(w, strings.Repeat("x", 5000))
	})
	c := NewClient(nil, Options{MaxResponseBytes: 100})
	resp, err := c.Get(srv.URL)
	if err == nil {
		resp.Body.Close()
		t.Fatal("Get succeeded; want the declared length refused before the body is read")
	}
	if !errors.Is(err, ErrResponseTooLarge) {
		t.Errorf("got %v; want ErrResponseTooLarge", err)
	}
}
