package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// logoutClaims are the claims of a logout token, decoded with their JSON types checked: a
// claim of another type fails the decoding.
type logoutClaims struct {
	Issuer    string          `json:"iss"`
	Subject   string          `json:"sub"`
	SID       string          `json:"sid"`
	JTI       string          `json:"jti"`
	Audience  audience        `json:"aud"`
	AZP       *string         `json:"azp"`
	IssuedAt  *numericDate    `json:"iat"`
	Expiry    *numericDate    `json:"exp"`
	NotBefore *numericDate    `json:"nbf"`
	Nonce     json.RawMessage `json:"nonce"`
	Events    json.RawMessage `json:"events"`
}

// checkLogoutClaims decodes and checks the claims of a logout token (Back-Channel Logout 1.0
// §2.6 steps 3 to 6).
func (p *Provider) checkLogoutClaims(payload []byte) (*LogoutToken, error) {
	var c logoutClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, fmt.Errorf("the claims do not decode: %w", err)
	}
	if err := p.checkLogoutParties(&c); err != nil {
		return nil, err
	}
	if err := p.checkLogoutTimes(&c); err != nil {
		return nil, err
	}
	switch {
	case c.JTI == "":
		return nil, errors.New("no jti claim")
	case c.SID == "" && c.Subject == "":
		return nil, errors.New("neither a sid nor a sub claim")
	case c.Nonce != nil:
		return nil, errors.New("a nonce claim, which logout tokens must not have")
	}
	if err := checkLogoutEvent(c.Events); err != nil {
		return nil, err
	}
	t := &LogoutToken{Issuer: c.Issuer, Subject: c.Subject, SID: c.SID, JTI: c.JTI, IssuedAt: c.IssuedAt.time()}
	if c.Expiry != nil {
		t.Expiry = c.Expiry.time()
	}
	return t, nil
}

// checkLogoutParties checks that the provider issued the token for this client.
func (p *Provider) checkLogoutParties(c *logoutClaims) error {
	switch {
	case c.Issuer != p.cfg.Issuer:
		return errors.New("the iss claim is not the provider's issuer")
	case !slices.Contains(c.Audience, p.cfg.ClientID):
		return errors.New("the aud claim does not name this client")
	case c.AZP != nil && *c.AZP != p.cfg.ClientID:
		return errors.New("the azp claim does not name this client")
	}
	return nil
}

// checkLogoutTimes checks iat, exp and nbf against the clock, with the tolerance for clocks.
func (p *Provider) checkLogoutTimes(c *logoutClaims) error {
	now := p.cfg.Now()
	if c.IssuedAt == nil {
		return errors.New("no iat claim")
	}
	iat := c.IssuedAt.time()
	switch {
	case iat.After(now.Add(clockTolerance)):
		return errors.New("issued in the future")
	case iat.Add(MaxLogoutTokenAge + clockTolerance).Before(now):
		return fmt.Errorf("issued more than %v ago", MaxLogoutTokenAge)
	case c.Expiry != nil && !now.Before(c.Expiry.time().Add(clockTolerance)):
		return errors.New("expired")
	case c.NotBefore != nil && c.NotBefore.time().After(now.Add(clockTolerance)):
		return errors.New("not valid yet (nbf)")
	}
	return nil
}

// checkLogoutEvent checks the events claim: a JSON object whose back-channel logout member
// is a JSON object (§2.4).
func checkLogoutEvent(raw json.RawMessage) error {
	if raw == nil {
		return errors.New("no events claim")
	}
	var events map[string]json.RawMessage
	if err := json.Unmarshal(raw, &events); err != nil || events == nil {
		return errors.New("the events claim is not a JSON object")
	}
	event, ok := events[backChannelLogoutEvent]
	if !ok {
		return errors.New("the events claim has no back-channel logout event")
	}
	var member map[string]json.RawMessage
	if err := json.Unmarshal(event, &member); err != nil || member == nil {
		return errors.New("the back-channel logout event is not a JSON object")
	}
	return nil
}

// audience is the aud claim: one string or an array of strings (RFC 7519 §4.1.3).
type audience []string

// UnmarshalJSON accepts a string or an array of strings.
func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("aud is neither a string nor an array of strings")
	}
	*a = many
	return nil
}

// numericDate is a JWT time: seconds since the epoch, a JSON number (RFC 7519 §2).
type numericDate float64

// UnmarshalJSON accepts a finite JSON number within the years time.Unix handles.
func (d *numericDate) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil || math.IsNaN(f) || math.Abs(f) > 1<<40 {
		return errors.New("a time claim is not a number of seconds")
	}
	*d = numericDate(f)
	return nil
}

// time returns d as a time.Time.
func (d numericDate) time() time.Time {
	sec, frac := math.Modf(float64(d))
	return time.Unix(int64(sec), int64(frac*1e9))
}
