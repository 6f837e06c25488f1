package authchain

import (
	"errors"
	"net/http"

	"github.com/authchain/authchain/dpop"
	"github.com/authchain/authchain/token"
)

// ErrDPoPOff is the error of DPoPProof when the Client does not use DPoP (Config.UseDPoP).
var ErrDPoPOff = errors.New("authchain: DPoP is off (Config.UseDPoP)")

// HTTPClient returns an *http.Client that calls an API with the signed-in user's access token
// (AccessToken with opts, refreshed and saved the same way; make the calls before writing the
// response): a DPoP token with a new proof for each request, and one retry when the API asks
// for a nonce (RFC 9449 §9), any other token as a Bearer token. A request without a usable
// token fails with AccessToken's error. Redirects are followed within the first request's
// origin only; one to another origin is returned as it is, so that the token goes nowhere
// else. Requests go through http.DefaultTransport; for another, use a dpop.Transport with
// TokenSource and DPoPKey.
func (c *Client) HTTPClient(w http.ResponseWriter, r *http.Request, opts ...AccessTokenOption) *http.Client {
	return c.tokens.HTTPClient(w, r, accessTokenRequest(opts))
}

// DPoPKey returns the key the tokens are bound to, nil when DPoP is off.
func (c *Client) DPoPKey() *dpop.Key { return c.cfg.dpopKey }

// DPoPProof returns a DPoP proof for one request of method to url with the session's access
// token (RFC 9449 §7): send it in the DPoP header, with "Authorization: DPoP <token>". It
// does not refresh the token: call AccessToken first when it may have expired (the proof is
// then for the refreshed one). For another audience's token, use DPoPKey().Proof.
//
// Errors: ErrDPoPOff, a *token.Error with Code missing_session when the request is signed
// out, the session store's error, or a proof that cannot be made (a URL that is not absolute).
func (c *Client) DPoPProof(r *http.Request, method, url string) (string, error) {
	if c.cfg.dpopKey == nil {
		return "", ErrDPoPOff
	}
	s, err := c.Session(r)
	switch {
	case err != nil:
		return "", err
	case s == nil || s.TokenSet.AccessToken == "":
		return "", &token.Error{Code: token.CodeMissingSession, Message: "the request is signed out"}
	}
	return c.cfg.dpopKey.Proof(method, url, s.TokenSet.AccessToken)
}
