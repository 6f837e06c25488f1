package oauthhttp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/authchain/authchain/internal/clientauth"
)

// PushAuthorization sends the authorization request parameters in form to
// the pushed authorization request endpoint (RFC 9126 §2.1) and returns
// the request_uri to pass to the authorization endpoint and its lifetime in
// seconds (RFC 9126 §2.2; the server answers 201 Created). Errors are
// those of PostForm; an answer without a request_uri or a positive
// expires_in wraps ErrMalformedResponse.
func PushAuthorization(ctx context.Context, c *http.Client, endpoint string, form url.Values, auth clientauth.Authenticator) (requestURI string, expiresIn int64, err error) {
	var r struct {
		RequestURI string  `json:"request_uri"`
		ExpiresIn  seconds `json:"expires_in"`
	}
	if err := PostForm(ctx, c, endpoint, form, auth, &r); err != nil {
		return "", 0, err
	}
	if r.RequestURI == "" {
		return "", 0, fmt.Errorf("%w: pushed authorization answer without request_uri", ErrMalformedResponse)
	}
	if r.ExpiresIn <= 0 {
		return "", 0, fmt.Errorf("%w: pushed authorization answer without a positive expires_in", ErrMalformedResponse)
	}
	return r.RequestURI, int64(r.ExpiresIn), nil
}
