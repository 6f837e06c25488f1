package oidctest

import (
	"net/http"
	"net/url"
	"slices"
	"time"
)

// authenticate logs the user in (single sign-on, a queued or default user, or
// the login form) and redirects back to the client with a code.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, req *authRequest) {
	ss := s.sessionFromCookie(r)
	if ss != nil && !req.requiresLogin(ss, s.Now()) {
		s.complete(w, r, req, ss)
		return
	}
	if slices.Contains(req.prompts, "none") {
		s.redirectError(w, r, req, &oauthError{code: "login_required", description: "the user is not logged in"})
		return
	}
	if s.cfg.loginForm {
		s.showLoginForm(w, http.StatusOK, s.newInteraction(req), req.clientID, "")
		return
	}
	s.login(w, r, req, s.nextUser())
}

// login starts a new provider session for u, replacing the browser's session.
func (s *Server) login(w http.ResponseWriter, r *http.Request, req *authRequest, u User) {
	if old := s.sessionFromCookie(r); old != nil {
		s.dropSession(old.id)
	}
	ss := s.newSession(u)
	s.setSessionCookie(w, ss)
	s.complete(w, r, req, ss)
}

// complete issues an authorization code (RFC 6749 §4.1.2).
func (s *Server) complete(w http.ResponseWriter, r *http.Request, req *authRequest, ss *session) {
	s.joinSession(ss, req.clientID)
	code := s.issueCode(req, ss)
	s.redirectToClient(w, r, req, url.Values{"code": {code}})
}

func (s *Server) redirectError(w http.ResponseWriter, r *http.Request, req *authRequest, e *oauthError) {
	s.redirectToClient(w, r, req, url.Values{"error": {e.code}, "error_description": {e.description}})
}

// redirectToClient sends the authorization response to the redirect URI with
// state and iss (RFC 9207) added, unless a queued authorize defect says otherwise.
func (s *Server) redirectToClient(w http.ResponseWriter, r *http.Request, req *authRequest, params url.Values) {
	if req.state != "" {
		params.Set("state", req.state)
	}
	params.Set("iss", s.Issuer())
	s.applyAuthorizeDefect(params)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, addQuery(req.redirectURI, params), http.StatusFound)
}

// redirectFault redirects an injected OAuth error to the client when the
// request names a valid client and redirect URI.
func (s *Server) redirectFault(w http.ResponseWriter, r *http.Request, e *oauthError) bool {
	params := r.Form
	if uri := params.Get("request_uri"); uri != "" {
		p, ok := s.peekPAR(uri)
		if !ok {
			return false
		}
		params = p
	}
	req, err := s.authTarget(params)
	if err != nil {
		return false
	}
	s.redirectError(w, r, req, e)
	return true
}

// interaction is an authorization request waiting for the login form.
type interaction struct {
	req     *authRequest
	expires time.Time
}
