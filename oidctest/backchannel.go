package oidctest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// backChannelEvent is the event member of a logout token's events claim.
const backChannelEvent = "http://schemas.openid.net/event/backchannel-logout"

// logoutTokenTTL is how long logout tokens are valid.
const logoutTokenTTL = 2 * time.Minute

// LogoutDefect is a deliberate flaw in a logout token minted by
// [Server.LogoutToken], to test that a relying party refuses it.
type LogoutDefect int

// The logout token defects (OpenID Connect Back-Channel Logout 1.0 §2.4, §2.6).
const (
	// LogoutWithNonce adds a nonce claim, which logout tokens must not have.
	LogoutWithNonce LogoutDefect = iota + 1
	// LogoutWithoutEvents leaves out the events claim.
	LogoutWithoutEvents
	// LogoutWrongTyp sets the typ header to "JWT" instead of "logout+jwt".
	LogoutWrongTyp
	// LogoutExpired sets exp in the past.
	LogoutExpired
	// LogoutIssuedInFuture sets iat ten minutes ahead.
	LogoutIssuedInFuture
	// LogoutWrongAudience sets aud to [WrongAudience].
	LogoutWrongAudience
	// LogoutWrongIssuer sets iss to [WrongIssuer].
	LogoutWrongIssuer
	// LogoutWithoutJTI leaves out jti.
	LogoutWithoutJTI
	// LogoutWithoutSubOrSid leaves out both sub and sid.
	LogoutWithoutSubOrSid
	// LogoutUnknownKID signs with a key the JWKS does not publish.
	LogoutUnknownKID
	// LogoutAlgNone sends an unsigned token with alg "none".
	LogoutAlgNone
	// LogoutBadSignature sends a signature that does not verify.
	LogoutBadSignature
)

// LogoutTokenOptions describes a logout token.
type LogoutTokenOptions struct {
	// ClientID is the token's aud. Required.
	ClientID string
	// SessionID is the sid claim; at least one of SessionID and Subject is required.
	SessionID string
	// Subject is the sub claim.
	Subject string
	// Defects are flaws to build in.
	Defects []LogoutDefect
}

// LogoutToken mints a logout token (OpenID Connect Back-Channel Logout 1.0
// §2.4): typ logout+jwt, iss, aud, iat, exp, jti, the back-channel logout
// event, and sid and/or sub, signed by the current key, with the given
// defects. It returns [ErrNotStarted] before [Server.Start].
func (s *Server) LogoutToken(o LogoutTokenOptions) (string, error) {
	if o.ClientID == "" {
		return "", errors.New("oidctest: logout token needs a ClientID")
	}
	if s.Issuer() == "" {
		return "", ErrNotStarted
	}
	if o.SessionID == "" && o.Subject == "" && !hasDefect(o.Defects, LogoutWithoutSubOrSid) {
		return "", errors.New("oidctest: logout token needs a SessionID or a Subject")
	}
	now := s.Now().Truncate(time.Second)
	claims := map[string]any{
		"iss": s.Issuer(), "aud": o.ClientID, "jti": rand.Text(),
		"iat": now.Unix(), "exp": now.Add(logoutTokenTTL).Unix(),
		"events": map[string]any{backChannelEvent: map[string]any{}},
	}
	if o.SessionID != "" {
		claims["sid"] = o.SessionID
	}
	if o.Subject != "" {
		claims["sub"] = o.Subject
	}
	typ, mode := "logout+jwt", signNormal
	for _, d := range o.Defects {
		typ, mode = d.apply(claims, now, typ, mode)
	}
	return s.signJWT(claims, typ, mode)
}

func hasDefect(ds []LogoutDefect, d LogoutDefect) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}

func (d LogoutDefect) apply(claims map[string]any, now time.Time, typ string, mode signMode) (string, signMode) {
	switch d {
	case LogoutWithNonce:
		claims["nonce"] = rand.Text()
	case LogoutWithoutEvents:
		delete(claims, "events")
	case LogoutWrongTyp:
		typ = "JWT"
	case LogoutExpired:
		setTimes(claims, now.Add(-logoutTokenTTL-time.Minute), logoutTokenTTL)
	case LogoutIssuedInFuture:
		setTimes(claims, now.Add(10*time.Minute), logoutTokenTTL)
	case LogoutWrongAudience:
		claims["aud"] = WrongAudience
	case LogoutWrongIssuer:
		claims["iss"] = WrongIssuer
	case LogoutWithoutJTI:
		delete(claims, "jti")
	case LogoutWithoutSubOrSid:
		delete(claims, "sub")
		delete(claims, "sid")
	case LogoutUnknownKID:
		mode = signUnknownKey
	case LogoutAlgNone:
		mode = signNone
	case LogoutBadSignature:
		mode = signCorrupt
	}
	return typ, mode
}

// BackChannelLogout POSTs a signed logout token for the session sid and/or
// the user sub to the client's BackChannelLogoutURI, form-encoded as
// logout_token (Back-Channel Logout 1.0 §2.5). It fails unless the client
// answers 200 or 204.
func (s *Server) BackChannelLogout(ctx context.Context, clientID, sid, sub string) error {
	c, ok := s.client(clientID)
	if !ok {
		return fmt.Errorf("oidctest: back-channel logout: unknown client %q", clientID)
	}
	if c.BackChannelLogoutURI == "" {
		return fmt.Errorf("oidctest: back-channel logout: client %q has no BackChannelLogoutURI", clientID)
	}
	tok, err := s.LogoutToken(LogoutTokenOptions{ClientID: clientID, SessionID: sid, Subject: sub})
	if err != nil {
		return err
	}
	return s.postLogoutToken(ctx, c.BackChannelLogoutURI, tok)
}

func (s *Server) postLogoutToken(ctx context.Context, uri, tok string) error {
	body := url.Values{"logout_token": {tok}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, uri, strings.NewReader(body))
	if err != nil {
		return fmt.Errorf("oidctest: back-channel logout: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.outgoingClient().Do(req)
	if err != nil {
		return fmt.Errorf("oidctest: back-channel logout: %w", err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("oidctest: back-channel logout to %s: status %d: %s", uri, resp.StatusCode, strings.TrimSpace(string(msg)))
	}
	return nil
}

func (s *Server) outgoingClient() *http.Client {
	if s.cfg.httpClient != nil {
		return s.cfg.httpClient
	}
	return &http.Client{Timeout: 10 * time.Second}
}
