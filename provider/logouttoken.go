package provider

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/authchain/authchain/internal/discovery"
	"github.com/authchain/authchain/internal/jwks"
)

// MaxLogoutTokenAge bounds how long after its iat a logout token is accepted, whatever its
// exp says (with the 30 second tolerance for clocks): an old token, replayed after its jti
// has left the replay cache, is refused. A provider posts a logout token at once after the
// logout, and retries within minutes.
const MaxLogoutTokenAge = 10 * time.Minute

// backChannelLogoutEvent is the member of a logout token's events claim that makes it one
// (OpenID Connect Back-Channel Logout 1.0 §2.4).
const backChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout"

// ErrInvalidLogoutToken is wrapped by the errors about a logout token: a bad signature,
// algorithm, typ, issuer, audience, iat, exp, events, sid/sub, jti or nonce.
var ErrInvalidLogoutToken = errors.New("provider: the logout token is invalid")

// LogoutToken is a verified back-channel logout token (OpenID Connect Back-Channel Logout 1.0
// §2.4): the provider ends the sessions of SID, of Subject, or of both.
type LogoutToken struct {
	// Issuer is the provider that sent it.
	Issuer string
	// Subject is the user (the sub claim); empty when the token names only a session.
	Subject string
	// SID is the provider's session id (the sid claim); empty when the token names only a
	// user.
	SID string
	// JTI is the token's unique identifier: a token whose jti was seen before is a replay.
	JTI string
	// IssuedAt is the iat claim.
	IssuedAt time.Time
	// Expiry is the exp claim; zero when the token has none.
	Expiry time.Time
}

// ValidUntil returns the last moment VerifyLogoutToken accepts t: its exp or its iat plus
// MaxLogoutTokenAge, whichever is later, plus the tolerance for clocks. A replay cache keeps
// t's jti until then.
func (t *LogoutToken) ValidUntil() time.Time {
	until := t.IssuedAt.Add(MaxLogoutTokenAge)
	if t.Expiry.After(until) {
		until = t.Expiry
	}
	return until.Add(clockTolerance)
}

// VerifyLogoutToken verifies a back-channel logout token as OpenID Connect Back-Channel
// Logout 1.0 §2.6 asks: a JWS signed by one of the provider's keys with an algorithm of its
// id_token_signing_alg_values_supported (never none or HMAC); a typ header, when present, of
// logout+jwt; iss the provider's issuer; aud naming this client (and azp, when present); an iat
// neither in the future nor older than MaxLogoutTokenAge; an exp, when present, not passed;
// nbf, when present, passed; an events claim that is a JSON object whose member
// http://schemas.openid.net/event/backchannel-logout is a JSON object; sid, sub or both; a
// jti; no nonce. Times are checked against the Provider's clock with a 30 second tolerance.
//
// Errors wrap ErrInvalidLogoutToken, or ErrUnavailable when the discovery document or the
// provider's keys could not be fetched; they never hold the token. Replays are for the caller
// to refuse, by JTI.
func (p *Provider) VerifyLogoutToken(ctx context.Context, raw string) (*LogoutToken, error) {
	m, err := p.metadata(ctx)
	if err != nil {
		return nil, err
	}
	payload, err := p.keySet(m.JWKSURI).Verify(ctx, raw, logoutTokenAlgs(m))
	if errors.Is(err, jwks.ErrFetch) {
		return nil, unavailable("the provider's keys", err)
	}
	if err != nil {
		return nil, invalidLogoutToken(err)
	}
	if err := checkLogoutType(raw); err != nil {
		return nil, invalidLogoutToken(err)
	}
	t, err := p.checkLogoutClaims(payload)
	if err != nil {
		return nil, invalidLogoutToken(err)
	}
	return t, nil
}

// logoutTokenAlgs returns the algorithms a logout token may be signed with: those the
// provider signs ID tokens with (RS256 when it does not say), none and HMAC excepted.
func logoutTokenAlgs(m *discovery.Metadata) []string {
	if len(m.IDTokenSigningAlgValuesSupported) == 0 {
		return []string{"RS256"}
	}
	return slices.DeleteFunc(slices.Clone(m.IDTokenSigningAlgValuesSupported), func(a string) bool {
		return a == "" || a == "none" || strings.HasPrefix(a, "HS")
	})
}

// checkLogoutType checks the typ header of a token whose signature verified: absent, or
// logout+jwt (§2.4), with or without the application/ prefix (RFC 7515 §4.1.9).
func checkLogoutType(raw string) error {
	encoded, _, _ := strings.Cut(raw, ".")
	b, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil {
		return fmt.Errorf("the header does not decode: %w", err)
	}
	var h struct {
		Type *string `json:"typ"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return fmt.Errorf("the header does not decode: %w", err)
	}
	if h.Type == nil {
		return nil
	}
	typ := strings.ToLower(*h.Type)
	if typ != "logout+jwt" && typ != "application/logout+jwt" {
		return errors.New("the typ header is not logout+jwt")
	}
	return nil
}

// invalidLogoutToken wraps err as ErrInvalidLogoutToken.
func invalidLogoutToken(err error) error {
	return fmt.Errorf("%w: %w", ErrInvalidLogoutToken, err)
}
