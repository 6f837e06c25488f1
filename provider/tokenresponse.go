package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"time"

	"github.com/authchain/authchain/internal/discovery"
)

// tokenResponse is a successful token endpoint answer (RFC 6749 §5.1,
// OpenID Connect Core 1.0 §3.1.3.3). ExpiresIn is in seconds and also
// accepts a numeric string, as some servers send it; zero means absent.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	RefreshToken string `json:"refresh_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
	ExpiresIn    int64  `json:"expires_in,omitempty"`
}

// UnmarshalJSON reads expires_in as a number or a numeric string.
func (t *tokenResponse) UnmarshalJSON(b []byte) error {
	type plain tokenResponse
	var w struct {
		plain
		ExpiresIn seconds `json:"expires_in"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*t = tokenResponse(w.plain)
	t.ExpiresIn = int64(w.ExpiresIn)
	return nil
}

// seconds is an integer that may arrive as a JSON number or string.
type seconds int64

var errSeconds = errors.New("provider: expires_in is not an integer number of seconds")

// UnmarshalJSON implements json.Unmarshaler.
func (s *seconds) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*s = 0
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return errSeconds
		}
		b = []byte(str)
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return errSeconds
	}
	*s = seconds(n)
	return nil
}

// tokenRequest posts form to the token endpoint (with the client's authentication and, with
// Config.DPoP, a proof) and returns the answer, which must hold an access token.
func (p *Provider) tokenRequest(ctx context.Context, m *discovery.Metadata, form url.Values) (*tokenResponse, error) {
	c, err := p.endpoint(m, "token endpoint", m.TokenEndpoint, form)
	if err != nil {
		return nil, err
	}
	var resp tokenResponse
	if err := postForm(ctx, p.http, c, &resp); err != nil {
		return nil, err
	}
	if resp.AccessToken == "" {
		return nil, unavailable(c.what, errors.New("the answer has no access_token"))
	}
	return &resp, nil
}

// tokens returns the answer as Tokens, with ExpiresAt counted from now.
func (t *tokenResponse) tokens(now time.Time) *Tokens {
	out := &Tokens{
		AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, IDToken: t.IDToken,
		TokenType: t.TokenType, Scope: t.Scope,
	}
	if t.ExpiresIn > 0 {
		out.ExpiresAt = now.Add(time.Duration(t.ExpiresIn) * time.Second).Truncate(time.Second)
	}
	return out
}
