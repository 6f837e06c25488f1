package oauthhttp

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/authchain/authchain/internal/clientauth"
)

// Token type hints for Revoke (RFC 7009 §2.1).
const (
	HintAccessToken  = "access_token"
	HintRefreshToken = "refresh_token"
)

// Revoke asks the revocation endpoint to revoke token (RFC 7009 §2.1),
// with an optional token_type_hint. A 2xx answer is success, including for
// a token the server did not know (RFC 7009 §2.2); errors are those of
// PostForm, e.g. *Error with Code "unsupported_token_type" or a 503.
func Revoke(ctx context.Context, c *http.Client, endpoint, token, hint string, auth clientauth.Authenticator) error {
	if token == "" {
		return errors.New("oauthhttp: no token to revoke")
	}
	form := url.Values{"token": {token}}
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	return PostForm(ctx, c, endpoint, form, auth, nil)
}
