package oidctest

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// The token exchange of Auth0's Token Vault (RFC 8693): a refresh token or access token of
// the server traded for an access token of a connection.
const (
	grantConnectionToken     = "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token"
	requestedConnectionToken = "http://auth0.com/oauth/token-type/federated-connection-access-token"
	subjectRefreshToken      = "urn:ietf:params:oauth:token-type:refresh_token"
	subjectAccessToken       = "urn:ietf:params:oauth:token-type:access_token"
)

// Connection is an identity provider upstream of the server, as Auth0 names them (such as
// "google-oauth2"), whose access tokens the server keeps in its token vault for every user.
type Connection struct {
	// Name names the connection, as the exchange's connection parameter does. Required.
	Name string
	// Scope is the scope of its access tokens (space-separated); default none.
	Scope string
	// TokenLifetime is how long its access tokens are valid; default the access-token
	// lifetime ([WithAccessTokenLifetime]).
	TokenLifetime time.Duration
}

// WithConnection lets the token endpoint exchange a live refresh token or access token of a
// user for an access token of connection c: Auth0's grant
// urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token, with
// subject_token, subject_token_type (RFC 8693's refresh_token or access_token type),
// requested_token_type http://auth0.com/oauth/token-type/federated-connection-access-token,
// connection and an optional login_hint. The subject token is not spent; a rotated refresh
// token presented after its reuse grace period revokes its family, as at the refresh grant.
// The connection's access tokens are opaque; [Server.ConnectionToken] tells for which
// connection, user and login hint one was issued. It may be given once per connection;
// without it the grant is answered unsupported_grant_type.
func WithConnection(c Connection) Option {
	return func(cfg *config) { cfg.connections = append(cfg.connections, c) }
}

// ConnectionToken is what the server recorded of an access token it issued for a connection.
type ConnectionToken struct {
	// Token is the access token.
	Token string
	// Connection names the connection.
	Connection string
	// Subject is the user's sub.
	Subject string
	// LoginHint is the login_hint of the exchange; empty when it had none.
	LoginHint string
	// ClientID is the client that asked for it.
	ClientID string
	// Scope is its scope.
	Scope string
	// ExpiresAt is when it expires.
	ExpiresAt time.Time
}

// ConnectionToken returns what the server recorded of an access token it issued for a
// connection, and whether it issued tok.
func (s *Server) ConnectionToken(tok string) (ConnectionToken, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ct, ok := s.connTokens[tok]
	return ct, ok
}

// checkConnections refuses a connection without a name, a name given twice, and a negative
// lifetime.
func checkConnections(conns []Connection) error {
	seen := map[string]bool{}
	for _, c := range conns {
		switch {
		case c.Name == "":
			return errors.New("oidctest: connection without Name")
		case seen[c.Name]:
			return fmt.Errorf("oidctest: connection %q given twice", c.Name)
		case c.TokenLifetime < 0:
			return fmt.Errorf("oidctest: connection %q: TokenLifetime must not be negative", c.Name)
		}
		seen[c.Name] = true
	}
	return nil
}

func (s *Server) connection(name string) (Connection, bool) {
	for _, c := range s.cfg.connections {
		if c.Name == name {
			return c, true
		}
	}
	return Connection{}, false
}

// connectionGrant serves the exchange of a subject token for an access token of a connection
// (RFC 8693 §2, with RFC 6749 §5.2 errors). A refresh token bound to a DPoP key (a public
// client's) is exchanged only with a proof of that key (jkt).
func (s *Server) connectionGrant(c Client, form url.Values, jkt string) (*tokenResponse, *oauthError) {
	if len(s.cfg.connections) == 0 {
		return nil, &oauthError{status: http.StatusBadRequest, code: "unsupported_grant_type", description: "no connection has a token vault"}
	}
	if form.Get("requested_token_type") != requestedConnectionToken {
		return nil, errInvalidRequest("requested_token_type must be " + requestedConnectionToken)
	}
	name := form.Get("connection")
	if name == "" {
		return nil, errInvalidRequest("connection is required")
	}
	conn, ok := s.connection(name)
	if !ok {
		return nil, errInvalidRequest("unknown connection " + name)
	}
	g, err := s.subjectGrant(c, form.Get("subject_token"), form.Get("subject_token_type"))
	if err != nil {
		return nil, err
	}
	if form.Get("subject_token_type") == subjectRefreshToken {
		if err := g.checkDPoPKey(jkt); err != nil {
			return nil, err
		}
	}
	return s.issueConnectionToken(c, g, conn, form.Get("login_hint")), nil
}

// subjectGrant returns the grant of a live refresh token or access token of client c, without
// spending it.
func (s *Server) subjectGrant(c Client, tok, typ string) (*grant, *oauthError) {
	if tok == "" {
		return nil, errInvalidRequest("subject_token is required")
	}
	var g *grant
	switch typ {
	case subjectRefreshToken:
		var err *oauthError
		if g, err = s.useRefreshToken(c, tok, false); err != nil {
			return nil, err
		}
	case subjectAccessToken:
		rec, err := s.checkAccessToken(tok)
		if err != nil {
			return nil, errInvalidGrant(err.Error())
		}
		if rec.grant.clientID != c.ID {
			return nil, errInvalidGrant("access token was issued to another client")
		}
		g = rec.grant
	case "":
		return nil, errInvalidRequest("subject_token_type is required")
	default:
		return nil, errInvalidRequest("unsupported subject_token_type " + typ)
	}
	if g.user == nil {
		return nil, errInvalidGrant("the subject token names no user")
	}
	return g, nil
}

// issueConnectionToken mints and records an opaque access token of conn for g's user.
func (s *Server) issueConnectionToken(c Client, g *grant, conn Connection, loginHint string) *tokenResponse {
	ttl := conn.TokenLifetime
	if ttl == 0 {
		ttl = s.cfg.accessTokenTTL
	}
	ct := ConnectionToken{
		Token: "ct_" + rand.Text(), Connection: conn.Name, Subject: g.user.Subject, LoginHint: loginHint,
		ClientID: c.ID, Scope: conn.Scope, ExpiresAt: s.Now().Truncate(time.Second).Add(ttl),
	}
	s.mu.Lock()
	s.connTokens[ct.Token] = ct
	s.mu.Unlock()
	return &tokenResponse{
		AccessToken: ct.Token, IssuedTokenType: requestedConnectionToken, TokenType: "Bearer",
		ExpiresIn: int64(ttl / time.Second), Scope: conn.Scope,
	}
}
