package outbound

import (
	"net/http"
	"sync/atomic"
	"testing"
)

func TestHeaderIsSentAndNotShared(t *testing.T) {
	t.Parallel()
	var seen atomic.Value
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Header.Get("Auth0-Client"))
	})
	fixed := http.Header{"Auth0-Client": {"eyJuYW1lIjoiYSJ9"}}
	c := NewClient(nil, Options{Header: fixed})
	req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Auth0-Client", "from-the-caller")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := seen.Load(); got != "eyJuYW1lIjoiYSJ9" {
		t.Errorf("server saw Auth0-Client %q", got)
	}
	if req.Header.Get("Auth0-Client") != "from-the-caller" {
		t.Error("the caller's request was modified")
	}
}
