package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"golang.org/x/oauth2"
)

// ErrUnavailable is wrapped by the errors that mean the provider could not be used: it was
// unreachable or timed out, answered a redirect, a 5xx or an error without an OAuth error code,
// or sent a document that does not parse; discovery failing too. Handlers answer them with 502
// Bad Gateway. An *Error that is one of these matches it with errors.Is.
var ErrUnavailable = errors.New("provider: the OpenID Provider is unavailable")

// ErrInvalidIDToken is wrapped by the errors about an ID token: a bad signature, issuer,
// audience, expiry, nonce, azp, iat, auth_time, at_hash or subject, or none at all.
var ErrInvalidIDToken = errors.New("provider: the ID token is invalid")

// MaxErrorBody bounds Error.Body.
const MaxErrorBody = 4 << 10

// Error is an error answer of the provider: a token, PAR or revocation endpoint answer that is
// not a success (RFC 6749 §5.2), or an error the authorization response carried through the
// browser (RFC 6749 §4.1.2.1, StatusCode 0).
//
// Code, Description and URI come from the provider, or from whoever forged the authorization
// response: show them only escaped.
//
// errors.As converts an *Error to x/oauth2's *oauth2.RetrieveError, so code written for
// x/oauth2's errors keeps working.
type Error struct {
	// StatusCode is the HTTP status of the answer; 0 for an authorization response's error.
	StatusCode int
	// Code is the "error" member, such as invalid_grant or access_denied; empty when the
	// answer had none.
	Code string
	// Description is the "error_description" member.
	Description string
	// URI is the "error_uri" member.
	URI string
	// Body is the raw answer, at most MaxErrorBody bytes; nil for an authorization response.
	Body []byte
	// MFAToken is the "mfa_token" member of an mfa_required answer (Auth0's step-up
	// multi-factor authentication): a credential for the provider's MFA API. Never show it.
	MFAToken string
	// MFARequirements is the "mfa_requirements" member of an mfa_required answer, as sent.
	MFARequirements json.RawMessage
}

// Error says what the provider answered; it never holds anything from the request.
func (e *Error) Error() string {
	s := "provider: "
	switch {
	case e.StatusCode == 0:
		s += "the authorization response is an error"
	default:
		s += "the provider answered " + strconv.Itoa(e.StatusCode) + " " + http.StatusText(e.StatusCode)
	}
	if e.Code != "" {
		s += fmt.Sprintf(" %q", e.Code)
	}
	if e.Description != "" {
		s += fmt.Sprintf(": %q", e.Description)
	}
	return s
}

// Is reports whether e means the provider is unavailable (target ErrUnavailable): a 5xx
// answer, or an answer without an OAuth error code.
func (e *Error) Is(target error) bool {
	return target == ErrUnavailable && e.StatusCode != 0 && (e.StatusCode >= 500 || e.Code == "")
}

// As converts e to an *oauth2.RetrieveError, whose Response holds only the status.
func (e *Error) As(target any) bool {
	re, ok := target.(**oauth2.RetrieveError)
	if !ok {
		return false
	}
	*re = &oauth2.RetrieveError{
		Body: e.Body, ErrorCode: e.Code, ErrorDescription: e.Description, ErrorURI: e.URI,
	}
	if e.StatusCode != 0 {
		(*re).Response = &http.Response{
			StatusCode: e.StatusCode, Status: strconv.Itoa(e.StatusCode) + " " + http.StatusText(e.StatusCode),
			Header: http.Header{},
		}
	}
	return true
}

// errorBody is the JSON error document of RFC 6749 §5.2.
type errorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorURI         string `json:"error_uri"`
	// Auth0's mfa_required answer.
	MFAToken        string          `json:"mfa_token"`
	MFARequirements json.RawMessage `json:"mfa_requirements"`
}

// unavailable wraps err as ErrUnavailable, naming what failed.
func unavailable(what string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, what, err)
}

// invalidIDToken wraps err as ErrInvalidIDToken.
func invalidIDToken(err error) error {
	return fmt.Errorf("%w: %w", ErrInvalidIDToken, err)
}
