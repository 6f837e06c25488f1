package mw

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/authchain/authchain/provider"
)

// The codes of a CallbackError. A login whose session could not be saved because the session
// store is unavailable (the cause wraps session.ErrUnavailable) has the code
// CodeSessionStoreUnavailable, as the access-token route's answer, and the status 503.
const (
	// CodeMissingState: the callback has no state parameter.
	CodeMissingState = "missing_state"
	// CodeInvalidState: the state names no login in progress in this browser (expired,
	// completed, or started elsewhere).
	CodeInvalidState = "invalid_state"
	// CodeAuthorizationError: the provider answered the login with an error (the cause is a
	// *provider.Error), or the response's iss or code is wrong.
	CodeAuthorizationError = "authorization_error"
	// CodeAuthorizationCodeGrantError: the code exchange was refused, or its ID token is
	// invalid (the cause wraps provider.ErrInvalidIDToken).
	CodeAuthorizationCodeGrantError = "authorization_code_grant_error"
	// CodeProviderUnavailable: the provider could not be used (the cause wraps
	// provider.ErrUnavailable).
	CodeProviderUnavailable = "provider_unavailable"
	// CodeSessionError: the session could not be built or saved, BeforeSessionSaved included.
	CodeSessionError = "session_error"
)

// CallbackError is a failed login.
type CallbackError struct {
	// Code says what failed: one of the Code… constants (CodeMissingState, …).
	Code string
	// Status is the HTTP status the default response uses.
	Status int
	// Err is the cause; a *provider.Error when the provider answered with one.
	Err error
}

// Error says what failed and why.
func (e *CallbackError) Error() string { return fmt.Sprintf("callback: %s: %v", e.Code, e.Err) }

// Unwrap returns the cause.
func (e *CallbackError) Unwrap() error { return e.Err }

// providerError classifies a provider failure: unavailable is 502, the rest use status.
func providerError(code string, status int, err error) *CallbackError {
	if errors.Is(err, provider.ErrUnavailable) {
		return &CallbackError{Code: CodeProviderUnavailable, Status: http.StatusBadGateway, Err: err}
	}
	if errors.Is(err, provider.ErrInvalidIDToken) {
		return &CallbackError{Code: code, Status: http.StatusBadGateway, Err: err}
	}
	return &CallbackError{Code: code, Status: status, Err: err}
}

// DefaultOnCallback redirects to the login's returnTo, or shows the error page of ErrorPages'
// zero value (see ErrorPages.OnCallback).
func DefaultOnCallback(w http.ResponseWriter, r *http.Request, res CallbackResult) {
	ErrorPages{}.OnCallback(w, r, res)
}

// OnCallback redirects to the login's returnTo, or shows p's error page, whose status is the
// error's (400 for a bad request, 502 when the provider failed, 503 when the session store is
// unavailable) and whose login link keeps the failed login's returnTo (none when the state
// named no login).
func (p ErrorPages) OnCallback(w http.ResponseWriter, r *http.Request, res CallbackResult) {
	if res.Err == nil {
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, res.ReturnTo, http.StatusFound)
		return
	}
	status, code, message := http.StatusInternalServerError, "server_error", "The login failed."
	var ce *CallbackError
	if errors.As(res.Err, &ce) {
		status, code = ce.Status, ce.Code
		message = callbackMessage(ce.Code)
		var oe *provider.Error
		if errors.As(ce.Err, &oe) && ce.Code == CodeAuthorizationError {
			message = "The identity provider refused the login: " + oe.Code
			if oe.Description != "" {
				message += " (" + oe.Description + ")"
			}
		}
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	p.write(w, r, status, code, message, res.ReturnTo)
}

// callbackMessage returns the error page's sentence for a CallbackError code.
func callbackMessage(code string) string {
	switch code {
	case CodeMissingState:
		return "The login response has no state. Please log in again."
	case CodeInvalidState:
		return "The login expired or was started in another browser. Please log in again."
	case CodeAuthorizationError:
		return "The login response is not valid. Please log in again."
	case CodeAuthorizationCodeGrantError:
		return "The login could not be completed with the identity provider. Please log in again."
	case CodeProviderUnavailable:
		return "The identity provider could not be reached. Please try again."
	case CodeSessionError:
		return "The session could not be created."
	case CodeSessionStoreUnavailable:
		return "The session could not be saved: the session store is unavailable. Please log in again in a moment."
	default:
		return "The login failed."
	}
}
