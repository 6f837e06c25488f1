package provider

import (
	"testing"
	"time"
)

// FuzzLogoutClaims: whatever a signed payload holds, checking its claims never panics, and a
// token it accepts names the issuer, this client, a jti and a session or user.
func FuzzLogoutClaims(f *testing.F) {
	now := time.Unix(1_900_000_000, 0)
	p := &Provider{cfg: Config{Issuer: "https://op.example.com", ClientID: "app", Now: func() time.Time { return now }}}
	f.Add(`{"iss":"https://op.example.com","aud":"app","iat":1900000000,"jti":"j","sid":"s","events":{"http://schemas.openid.net/event/backchannel-logout":{}}}`)
	f.Add(`{"iss":"https://op.example.com","aud":["app"],"iat":1.9e9,"exp":1900000100,"jti":"j","sub":"u","events":{"http://schemas.openid.net/event/backchannel-logout":{"a":[]}}}`)
	f.Add(`{"iss":"https://op.example.com","aud":"app","iat":1e400,"jti":"j","sid":"s","events":{}}`)
	f.Add(`{"iss":"https://op.example.com","aud":null,"iat":null,"events":null,"nonce":null}`)
	f.Add(`[]`)
	f.Add(`{"iat":-9e18}`)
	f.Fuzz(func(t *testing.T, payload string) {
		tok, err := p.checkLogoutClaims([]byte(payload))
		if err != nil {
			return
		}
		if tok.Issuer != p.cfg.Issuer || tok.JTI == "" || (tok.SID == "" && tok.Subject == "") {
			t.Errorf("accepted %+v", tok)
		}
		if tok.IssuedAt.After(now.Add(clockTolerance)) || tok.ValidUntil().Before(now) {
			t.Errorf("accepted iat %v, valid until %v at %v", tok.IssuedAt, tok.ValidUntil(), now)
		}
	})
}
