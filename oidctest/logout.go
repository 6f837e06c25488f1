package oidctest

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

var loggedOutPage = template.Must(template.New("out").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Logged out – oidctest</title></head>
<body><h1>You are logged out</h1></body></html>
`))

// handleEndSession serves RP-Initiated Logout 1.0 (§2, §3): it ends the
// browser's session (and the session named by the id_token_hint's sid), then
// redirects to a registered post_logout_redirect_uri with state, or shows a
// logged-out page.
func (s *Server) handleEndSession(w http.ResponseWriter, r *http.Request) {
	params := r.Form
	clientID, sid, err := s.logoutHint(params.Get("id_token_hint"), params.Get("client_id"))
	if err != nil {
		writeOAuthError(w, err)
		return
	}
	redirect := params.Get("post_logout_redirect_uri")
	if err := s.checkPostLogoutURI(clientID, redirect); err != nil {
		writeOAuthError(w, err)
		return
	}
	s.logout(w, r, sid)
	if redirect == "" {
		showLoggedOut(w)
		return
	}
	if st := params.Get("state"); st != "" {
		redirect = addQuery(redirect, url.Values{"state": {st}})
	}
	http.Redirect(w, r, redirect, http.StatusFound)
}

// logoutHint verifies an id_token_hint (signature and issuer; it may have
// expired) and returns the client it names and its sid.
func (s *Server) logoutHint(hint, clientID string) (string, string, *oauthError) {
	if hint == "" {
		return clientID, "", nil
	}
	claims, _, err := s.verifyJWT(hint)
	if err != nil || claims["iss"] != s.Issuer() {
		return "", "", errInvalidRequest("id_token_hint was not issued by this provider")
	}
	var aud []string
	switch a := claims["aud"].(type) {
	case string:
		aud = []string{a}
	case []any:
		for _, v := range a {
			if str, ok := v.(string); ok {
				aud = append(aud, str)
			}
		}
	}
	if clientID == "" && len(aud) > 0 {
		clientID = aud[0]
	}
	if !slices.Contains(aud, clientID) {
		return "", "", errInvalidRequest("client_id is not an audience of id_token_hint")
	}
	sid, _ := claims["sid"].(string)
	return clientID, sid, nil
}

// checkPostLogoutURI accepts only a URI registered for the client.
func (s *Server) checkPostLogoutURI(clientID, uri string) *oauthError {
	if uri == "" {
		return nil
	}
	if clientID == "" {
		return errInvalidRequest("a logout redirect needs client_id or id_token_hint")
	}
	c, ok := s.client(clientID)
	if !ok {
		return errInvalidRequest("unknown client_id")
	}
	if !slices.Contains(c.PostLogoutRedirectURIs, uri) {
		return errInvalidRequest("the logout redirect URI is not registered for the client")
	}
	return nil
}

// handleAuth0Logout serves Auth0's /v2/logout: returnTo must be registered for
// client_id; without returnTo a logged-out page is shown.
func (s *Server) handleAuth0Logout(w http.ResponseWriter, r *http.Request) {
	returnTo := r.Form.Get("returnTo")
	if err := s.checkPostLogoutURI(r.Form.Get("client_id"), returnTo); err != nil {
		writeOAuthError(w, err)
		return
	}
	s.logout(w, r, "")
	if returnTo == "" {
		showLoggedOut(w)
		return
	}
	http.Redirect(w, r, returnTo, http.StatusFound)
}

// logout ends the browser's session and the session sid, clears the cookie
// and sends back-channel logout tokens to the sessions' clients.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, sid string) {
	var ended []*session
	if ss := s.sessionFromCookie(r); ss != nil {
		sid = ss.id + " " + sid
	}
	for _, id := range strings.Fields(sid) {
		if ss := s.dropSession(id); ss != nil {
			ended = append(ended, ss)
		}
	}
	s.clearSessionCookie(w)
	if s.cfg.noAutoLogout {
		return
	}
	ctx := context.WithoutCancel(r.Context()) // the browser leaving must not stop the notifications
	for _, ss := range ended {
		s.notifyClients(ctx, ss)
	}
}

// notifyClients sends a logout token to every client of the ended session
// that has a back-channel logout URI. Failures are ignored: the logout
// itself succeeded (Back-Channel Logout 1.0 §2.8).
func (s *Server) notifyClients(ctx context.Context, ss *session) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, id := range ss.clients {
		if c, ok := s.client(id); ok && c.BackChannelLogoutURI != "" {
			_ = s.BackChannelLogout(ctx, id, ss.id, ss.user.Subject)
		}
	}
}

func showLoggedOut(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = loggedOutPage.Execute(w, nil)
}

func addQuery(raw string, params url.Values) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String()
}
