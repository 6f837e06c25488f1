package oidctest

import (
	"context"
	"crypto/rand"
	"net/http"
	"slices"
	"sort"
	"time"
)

// session is a login at the provider, remembered by a cookie, so that the
// next authorization request is single sign-on.
type session struct {
	id       string // the sid claim
	user     User
	authTime time.Time
	clients  []string // clients that received tokens in this session
}

// Session describes a provider session, as listed by [Server.Sessions].
type Session struct {
	// ID is the session's sid claim, in ID and logout tokens.
	ID string
	// Subject is the logged-in user's sub.
	Subject string
	// AuthTime is when the user logged in (the auth_time claim).
	AuthTime time.Time
	// ClientIDs are the clients that the session logged in to, in order.
	ClientIDs []string
}

// Sessions returns the provider's live sessions, oldest first.
func (s *Server) Sessions() []Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Session, 0, len(s.sessions))
	for _, ss := range s.sessions {
		out = append(out, Session{ID: ss.id, Subject: ss.user.Subject, AuthTime: ss.authTime, ClientIDs: slices.Clone(ss.clients)})
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].AuthTime.Equal(out[j].AuthTime) {
			return out[i].AuthTime.Before(out[j].AuthTime)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// SessionIDs returns the sid of every live session of the user with subject sub.
func (s *Server) SessionIDs(sub string) []string {
	var ids []string
	for _, ss := range s.Sessions() {
		if ss.Subject == sub {
			ids = append(ids, ss.ID)
		}
	}
	return ids
}

func (s *Server) cookieName() string { return "oidctest_session_" + s.id }

func (s *Server) newSession(u User) *session {
	ss := &session{id: rand.Text(), user: u, authTime: s.Now().Truncate(time.Second)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[ss.id] = ss
	return ss
}

// sessionFromCookie returns the live session the browser's cookie names.
func (s *Server) sessionFromCookie(r *http.Request) *session {
	c, err := r.Cookie(s.cookieName())
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[c.Value]
}

func (s *Server) setSessionCookie(w http.ResponseWriter, ss *session) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(), Value: ss.id, Path: "/",
		HttpOnly: true, Secure: s.cfg.tls, SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.tls, SameSite: http.SameSiteLaxMode,
	})
}

// joinSession records that client logged in through the session.
func (s *Server) joinSession(ss *session, clientID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(ss.clients, clientID) {
		ss.clients = append(ss.clients, clientID)
	}
}

// dropSession forgets the session and returns a copy of it, or nil when it
// was not live.
func (s *Server) dropSession(sid string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessions[sid]
	if ss == nil {
		return nil
	}
	delete(s.sessions, sid)
	ended := *ss
	ended.clients = slices.Clone(ss.clients)
	return &ended
}

// EndSession ends the provider session sid, as a logout at the provider
// would: the browser must log in again, and every client of the session that
// has a BackChannelLogoutURI is sent a logout token (unless
// [WithoutBackChannelOnLogout]). It reports whether the session was live.
func (s *Server) EndSession(ctx context.Context, sid string) bool {
	ss := s.dropSession(sid)
	if ss == nil {
		return false
	}
	if !s.cfg.noAutoLogout {
		s.notifyClients(ctx, ss)
	}
	return true
}
