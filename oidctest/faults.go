package oidctest

import (
	"net/http"
	"time"
)

// Fault is a deliberate misbehaviour of one endpoint, queued with
// [Server.FailNext]. Build it with [OAuthError], [HTTPStatus], [MalformedJSON],
// [Latency] or [Redirect], or set the fields directly.
type Fault struct {
	// Delay holds the answer back this long (or until the client gives up).
	// A fault with only a Delay is then answered normally.
	Delay time.Duration
	// Error is an OAuth error code; the answer is the JSON error of
	// RFC 6749 §5.2 (for the authorize endpoint, a redirect to the client
	// carrying the error, §4.1.2.1, when the client and redirect_uri are valid).
	Error string
	// ErrorDescription goes with Error.
	ErrorDescription string
	// Status is the HTTP status: 400 by default with Error, 200 with
	// MalformedJSON; alone, it is answered with a plain-text body.
	Status int
	// MalformedJSON answers with a body that is not valid JSON.
	MalformedJSON bool
	// Location answers with a redirect there, with Status (307 by default).
	Location string
}

// OAuthError returns a fault that answers with the OAuth error code and
// description; status 0 means 400.
func OAuthError(code, description string, status int) Fault {
	return Fault{Error: code, ErrorDescription: description, Status: status}
}

// HTTPStatus returns a fault that answers with the bare HTTP status, for
// example 500 or 503.
func HTTPStatus(status int) Fault { return Fault{Status: status} }

// MalformedJSON returns a fault that answers 200 with a truncated JSON body.
func MalformedJSON() Fault { return Fault{MalformedJSON: true} }

// Latency returns a fault that delays the answer by d, then answers normally.
func Latency(d time.Duration) Fault { return Fault{Delay: d} }

// Redirect returns a fault that answers with a redirect to location; status
// 0 means 307 Temporary Redirect, which asks the client to repeat the same
// request, body included, at location.
func Redirect(status int, location string) Fault {
	return Fault{Status: status, Location: location}
}

type faultEntry struct {
	fault     Fault
	remaining int
}

// FailNext makes the next n requests to endpoint e answer with fault f instead
// of normally. Faults queued for one endpoint apply in order.
func (s *Server) FailNext(e Endpoint, n int, f Fault) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[e] = append(s.faults[e], &faultEntry{fault: f, remaining: n})
}

func (s *Server) takeFault(e Endpoint) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[e]
	if len(q) == 0 {
		return Fault{}, false
	}
	f := q[0].fault
	if q[0].remaining--; q[0].remaining == 0 {
		s.faults[e] = q[1:]
	}
	return f, true
}

// applyFault answers r according to f and reports whether it did; false means
// the request is to be served normally (after the delay).
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, e Endpoint, f Fault) bool {
	if f.Delay > 0 && !s.sleep(r, f.Delay) {
		http.Error(w, "request abandoned", http.StatusServiceUnavailable)
		return true
	}
	switch {
	case f.Location != "":
		status := f.Status
		if status == 0 {
			status = http.StatusTemporaryRedirect
		}
		http.Redirect(w, r, f.Location, status)
	case f.Error != "":
		status := f.Status
		if status == 0 {
			status = http.StatusBadRequest
		}
		oe := &oauthError{status: status, code: f.Error, description: f.ErrorDescription}
		if e == EndpointAuthorize && s.redirectFault(w, r, oe) {
			return true
		}
		writeOAuthError(w, oe)
	case f.MalformedJSON:
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"error": "server_error", "error_description": `))
	case f.Status != 0:
		http.Error(w, http.StatusText(f.Status), f.Status)
	default:
		return false
	}
	return true
}

// sleep waits d and reports whether the request is still worth answering.
func (s *Server) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}
