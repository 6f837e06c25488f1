package oidctest

import "maps"

// User is an end-user who logs in at the provider.
type User struct {
	// Subject is the sub claim.
	Subject string
	// Claims go into ID tokens and the userinfo response as they are
	// (name, email, email_verified, picture, anything else). They cannot
	// replace the claims the provider sets itself (iss, sub, aud, exp, …).
	Claims map[string]any
}

// DefaultUser returns the user who logs in when neither [WithDefaultUser] nor
// [Server.QueueLogin] chose another.
func DefaultUser() User {
	return User{
		Subject: "oidctest|default",
		Claims: map[string]any{
			"name":           "Test User",
			"email":          "test.user@example.com",
			"email_verified": true,
		},
	}
}

func (u User) clone() User {
	u.Claims = maps.Clone(u.Claims)
	return u
}

// QueueLogin makes u the user of the next non-interactive login. Queued users
// log in first come, first served; once the queue is empty the default user
// logs in. A login that finds a valid provider session (single sign-on) does
// not take a user from the queue.
func (s *Server) QueueLogin(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users = append(s.users, u.clone())
}

// nextUser pops the queue or returns the default user.
func (s *Server) nextUser() User {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.users) == 0 {
		return s.cfg.defaultUser.clone()
	}
	u := s.users[0]
	s.users = s.users[1:]
	return u
}
