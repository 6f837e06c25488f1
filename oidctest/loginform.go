package oidctest

import (
	"crypto/rand"
	"html/template"
	"net/http"
	"strings"
	"time"
)

// loginPage is the HTML login form of WithLoginForm.
var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in – oidctest</title>
<style>
body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}
label{display:block;margin:.75rem 0}
input{display:block;width:100%;padding:.4rem;box-sizing:border-box}
button{margin:1rem .5rem 0 0;padding:.4rem 1rem}
.error{color:#b00020}
</style>
</head>
<body>
<h1>Log in</h1>
<p>to <strong>{{.Client}}</strong></p>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="interaction" value="{{.ID}}">
<label for="name">Name</label>
<input id="name" name="name" autocomplete="username" required autofocus>
<label for="email">Email (optional)</label>
<input id="email" name="email" type="email" autocomplete="email">
<button type="submit" name="action" value="login">Log in</button>
<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
</form>
</body>
</html>
`))

// interactionTTL bounds how long a login form can be submitted.
const interactionTTL = 10 * time.Minute

func (s *Server) newInteraction(req *authRequest) string {
	id := rand.Text()
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, in := range s.interactions {
		if now.After(in.expires) {
			delete(s.interactions, k)
		}
	}
	s.interactions[id] = &interaction{req: req, expires: now.Add(interactionTTL)}
	return id
}

// takeInteraction removes and returns the pending request with id.
func (s *Server) takeInteraction(id string) (*authRequest, bool) {
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.interactions[id]
	delete(s.interactions, id)
	if !ok || now.After(in.expires) {
		return nil, false
	}
	return in.req, true
}

func (s *Server) showLoginForm(w http.ResponseWriter, status int, id, clientID, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = loginPage.Execute(w, map[string]string{
		"Action": EndpointLogin.path(), "ID": id, "Client": clientID, "Error": msg,
	})
}

// handleLogin receives the login form: a login with a name (and an optional
// email), or a cancel that answers access_denied (RFC 6749 §4.1.2.1).
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	req, ok := s.takeInteraction(r.PostForm.Get("interaction"))
	if !ok {
		writeOAuthError(w, errInvalidRequest("unknown or expired login form; start the login again"))
		return
	}
	if r.PostForm.Get("action") == "cancel" {
		s.redirectError(w, r, req, &oauthError{code: "access_denied", description: "the user cancelled the login"})
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if name == "" {
		s.showLoginForm(w, http.StatusBadRequest, s.newInteraction(req), req.clientID, "Enter a name.")
		return
	}
	sub := name
	if s.cfg.formSubject != nil {
		sub = s.cfg.formSubject(name)
	}
	u := User{Subject: sub, Claims: map[string]any{"name": name}}
	if email := strings.TrimSpace(r.PostForm.Get("email")); email != "" {
		u.Claims["email"] = email
	}
	s.login(w, r, req, u)
}
