package oidctest

import (
	"encoding/json"
	"net/http"
)

// oauthError is an error response of RFC 6749 §5.2 (and §4.1.2.1 when it is
// redirected to the client).
type oauthError struct {
	status      int
	code        string
	description string
	basicAuth   bool           // the client tried HTTP Basic authentication: answer with a challenge
	extra       map[string]any // more members of the JSON error body
}

// Error returns the OAuth error code and description.
func (e *oauthError) Error() string { return e.code + ": " + e.description }

func errInvalidRequest(desc string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: "invalid_request", description: desc}
}

func errInvalidGrant(desc string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: "invalid_grant", description: desc}
}

func errInvalidClient(desc string) *oauthError {
	return &oauthError{status: http.StatusUnauthorized, code: "invalid_client", description: desc}
}

func errInvalidScope(desc string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: "invalid_scope", description: desc}
}

func errInvalidTarget(desc string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: "invalid_target", description: desc}
}

func errUnauthorizedClient(desc string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: "unauthorized_client", description: desc}
}

// writeOAuthError answers with the JSON error body of RFC 6749 §5.2.
func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	if e.basicAuth {
		w.Header().Set("WWW-Authenticate", `Basic realm="oidctest"`)
	}
	body := map[string]any{"error": e.code, "error_description": e.description}
	for k, v := range e.extra {
		body[k] = v
	}
	writeJSON(w, e.status, body)
}

// writeJSON answers with v as JSON, never cached (RFC 6749 §5.1).
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
