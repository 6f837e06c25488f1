package provider

import (
	"context"
	"errors"
	"net/http"
)

// pushAuthorization sends the authorization request parameters in c.form to the pushed
// authorization request endpoint (RFC 9126 §2.1) and returns the request_uri to pass to the
// authorization endpoint (RFC 9126 §2.2; the provider answers 201 Created). An answer without
// a request_uri or a positive expires_in wraps ErrUnavailable.
func pushAuthorization(ctx context.Context, hc *http.Client, c call) (string, error) {
	var r struct {
		RequestURI string  `json:"request_uri"`
		ExpiresIn  seconds `json:"expires_in"`
	}
	if err := postForm(ctx, hc, c, &r); err != nil {
		return "", err
	}
	if r.RequestURI == "" {
		return "", unavailable(c.what, errors.New("the answer has no request_uri"))
	}
	if r.ExpiresIn <= 0 {
		return "", unavailable(c.what, errors.New("the answer has no positive expires_in"))
	}
	return r.RequestURI, nil
}
