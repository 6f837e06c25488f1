package oauthhttp

import (
	"errors"
	"fmt"
	"net/http"
)

// ErrUnreachable is wrapped by the error returned when the request got no
// answer: a network error, a timeout or a cancelled context (use errors.Is
// with context.DeadlineExceeded or errors.As with net.Error for the
// cause). A handler maps it to 502 Bad Gateway or 504 Gateway Timeout.
var ErrUnreachable = errors.New("oauthhttp: authorization server unreachable")

// ErrMalformedResponse is wrapped by the error returned when a successful
// answer is not the expected JSON document, or is too large, or when the
// answer is a redirect the client did not follow.
var ErrMalformedResponse = errors.New("oauthhttp: malformed response")

// Error is an error answer of the authorization server (RFC 6749 §5.2), or
// any other non-2xx answer, in which case Code is empty.
//
// Description and URI come from the server: show them only escaped.
type Error struct {
	StatusCode  int
	Code        string // the "error" member, e.g. "invalid_grant"
	Description string // the "error_description" member
	URI         string // the "error_uri" member
}

// Error describes the answer with its status, code and description; it
// never holds anything from the request.
func (e *Error) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("oauthhttp: server answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	s := fmt.Sprintf("oauthhttp: server answered %d with error %q", e.StatusCode, e.Code)
	if e.Description != "" {
		s += fmt.Sprintf(": %q", e.Description)
	}
	return s
}

// errorBody is the JSON error document of RFC 6749 §5.2.
type errorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorURI         string `json:"error_uri"`
}
