package oidctest

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"time"
)

// parEntry is a pushed authorization request (RFC 9126).
type parEntry struct {
	params  url.Values
	expires time.Time
}

const requestURIPrefix = "urn:ietf:params:oauth:request_uri:"

// handlePAR serves the pushed authorization request endpoint (RFC 9126 §2):
// it authenticates the client, validates the request as the authorize
// endpoint would, and answers 201 with a single-use request_uri.
func (s *Server) handlePAR(w http.ResponseWriter, r *http.Request) {
	uri, err := s.pushRequest(r)
	if err != nil {
		writeOAuthError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"request_uri": uri, "expires_in": int64(s.cfg.parTTL / time.Second),
	})
}

func (s *Server) pushRequest(r *http.Request) (string, *oauthError) {
	if err := checkFormPost(r); err != nil {
		return "", err
	}
	c, err := s.authenticateClient(r, s.URL(EndpointPAR))
	if err != nil {
		return "", err
	}
	params := cloneValues(r.PostForm)
	for _, k := range []string{"client_secret", "client_assertion", "client_assertion_type"} {
		params.Del(k)
	}
	if params.Has("request_uri") {
		return "", errInvalidRequest("request_uri is not allowed in a pushed request")
	}
	params.Set("client_id", c.ID)
	req, err := s.authTarget(params)
	if err != nil {
		return "", err
	}
	if err := req.parse(params); err != nil {
		return "", err
	}
	uri := requestURIPrefix + rand.Text()
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, p := range s.pars {
		if now.After(p.expires) {
			delete(s.pars, k)
		}
	}
	s.pars[uri] = &parEntry{params: params, expires: now.Add(s.cfg.parTTL)}
	return uri, nil
}

// takePAR consumes a request_uri: it works once, before it expires, for the
// client that pushed it.
func (s *Server) takePAR(uri, clientID string) (url.Values, *oauthError) {
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pars[uri]
	if !ok {
		return nil, errInvalidRequestURI("unknown or already used request_uri")
	}
	if p.params.Get("client_id") != clientID {
		return nil, errInvalidRequest("client_id does not match the pushed request")
	}
	delete(s.pars, uri)
	if now.After(p.expires) {
		return nil, errInvalidRequestURI("request_uri expired")
	}
	return p.params, nil
}

// peekPAR returns a pushed request's parameters without consuming it.
func (s *Server) peekPAR(uri string) (url.Values, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pars[uri]
	if !ok {
		return nil, false
	}
	return p.params, true
}

func errInvalidRequestURI(desc string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: "invalid_request_uri", description: desc}
}
