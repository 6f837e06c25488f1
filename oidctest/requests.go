package oidctest

import (
	"net/http"
	"net/url"
	"time"
)

// Request is one request the server received, as recorded before it was
// answered.
type Request struct {
	// Endpoint is the endpoint addressed, or "" for an unknown path.
	Endpoint Endpoint
	// Method is the HTTP method.
	Method string
	// Path is the URL path.
	Path string
	// Form holds the query and form-encoded body parameters (grant_type,
	// client_id, refresh_token, …).
	Form url.Values
	// Header holds the request headers.
	Header http.Header
	// ClientID is the client_id of the form or of HTTP Basic authentication.
	ClientID string
	// Time is the server's clock when the request arrived.
	Time time.Time
}

// GrantType returns the request's grant_type parameter.
func (r Request) GrantType() string { return r.Form.Get("grant_type") }

func (s *Server) record(e Endpoint, r *http.Request) {
	rec := Request{
		Endpoint: e,
		Method:   r.Method,
		Path:     r.URL.Path,
		Form:     cloneValues(r.Form),
		Header:   r.Header.Clone(),
		ClientID: r.Form.Get("client_id"),
		Time:     s.Now(),
	}
	if id, _, ok := r.BasicAuth(); ok {
		if unescaped, err := url.QueryUnescape(id); err == nil {
			rec.ClientID = unescaped
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, rec)
	if n := s.cfg.requestLogLimit; n > 0 && len(s.requests) > n {
		s.requests = append([]Request(nil), s.requests[len(s.requests)-n:]...)
	}
}

// Requests returns every request served so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Form = cloneValues(r.Form)
		r.Header = r.Header.Clone()
		out[i] = r
	}
	return out
}

// Count returns how many requests reached endpoint e. A non-empty grantType
// counts only requests with that grant_type, so
// srv.Count(oidctest.EndpointToken, "refresh_token") counts refreshes.
func (s *Server) Count(e Endpoint, grantType string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Endpoint == e && (grantType == "" || r.Form.Get("grant_type") == grantType) {
			n++
		}
	}
	return n
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
