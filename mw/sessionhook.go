package mw

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/authchain/authchain/session"
)

// BeforeSessionSavedInput is what the BeforeSessionSaved hook gets.
type BeforeSessionSavedInput struct {
	// Session is the new session; its User holds every claim of the ID token.
	Session *session.Session
	// IDToken is the raw ID token.
	IDToken string
}

// BeforeSessionSavedFunc may change a session before it is saved with a new ID token, at
// login and after a refresh that returned one (keep fewer claims, add custom data), or refuse
// it with an error.
type BeforeSessionSavedFunc func(ctx context.Context, in BeforeSessionSavedInput) (*session.Session, error)

// DefaultUserClaims returns the ID token claims a session keeps when no BeforeSessionSaved
// hook decides.
func DefaultUserClaims() []string {
	return []string{"sub", "name", "nickname", "given_name", "family_name", "picture", "email", "email_verified", "org_id"}
}

// withUser returns s with the user of an ID token's claims: the DefaultUserClaims without a
// hook, or whatever the hook returns, which gets s with every claim (its own copy). s's
// internal data is kept whatever the hook returns.
func (hook BeforeSessionSavedFunc) withUser(ctx context.Context, s *session.Session, claims map[string]any, idToken string) (*session.Session, error) {
	if hook == nil {
		s.User = session.NewUser(FilterClaims(claims, DefaultUserClaims()))
		return s, nil
	}
	internal := s.Internal
	s.User = session.NewUser(maps.Clone(claims))
	out, err := hook(ctx, BeforeSessionSavedInput{Session: s, IDToken: idToken})
	switch {
	case err != nil:
		return nil, fmt.Errorf("BeforeSessionSaved: %w", err)
	case out == nil:
		return nil, errors.New("BeforeSessionSaved returned no session")
	}
	out.Internal = internal
	return out, nil
}

// FilterClaims returns the claims named in keep.
func FilterClaims(claims map[string]any, keep []string) map[string]any {
	out := make(map[string]any, len(keep))
	for _, k := range keep {
		if v, ok := claims[k]; ok {
			out[k] = v
		}
	}
	return out
}
