package oauthhttp

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
)

// recorded is what a test server saw of the last request.
type recorded struct {
	mu     sync.Mutex
	method string
	header http.Header
	form   url.Values
}

func (r *recorded) get() (string, http.Header, url.Values) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.method, r.header, r.form
}

// server answers every request with status and body, recording the request.
func server(t *testing.T, status int, body string) (*httptest.Server, *recorded) {
	t.Helper()
	rec := &recorded{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(raw))
		rec.mu.Lock()
		rec.method, rec.header, rec.form = r.Method, r.Header.Clone(), form
		rec.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}
