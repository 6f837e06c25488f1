package dpop

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"golang.org/x/oauth2"
)

// TokenTypeDPoP is the token_type of an access token bound to a key (RFC 9449 §5), and the
// scheme of the Authorization header that presents it (§7.1).
const TokenTypeDPoP = "DPoP"

// ErrNoKey is the error of a Transport given a DPoP token but no Key.
var ErrNoKey = errors.New("dpop: a DPoP access token needs a Key to make its proofs")

// Transport is an http.RoundTripper that sends every request with an access token of Source:
// a DPoP token (token_type "DPoP") as "Authorization: DPoP <token>" with a new proof of Key in
// the DPoP header (RFC 9449 §7), any other as a Bearer token. When a resource server answers
// 401 asking for a nonce (WWW-Authenticate: DPoP error="use_dpop_nonce" with a DPoP-Nonce
// header, §9), the request is sent once more with the nonce, if its body can be sent again
// (http.NewRequest sets GetBody for the usual bodies).
//
// The token goes with every request the Transport sends, so an http.Client that follows a
// redirect to another host sends it there too: give the client a CheckRedirect that keeps to
// the API's origin (authchain's Client.HTTPClient does).
type Transport struct {
	// Source gives the access token; required.
	Source oauth2.TokenSource
	// Key makes the proofs; required for DPoP tokens.
	Key *Key
	// Base sends the requests; default http.DefaultTransport.
	Base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	closeBody := func() {
		if req.Body != nil {
			req.Body.Close()
		}
	}
	if t.Source == nil {
		closeBody()
		return nil, errors.New("dpop: Transport has no Source")
	}
	tok, err := t.Source.Token()
	if err != nil {
		closeBody()
		return nil, err
	}
	if !strings.EqualFold(tok.Type(), TokenTypeDPoP) {
		r := req.Clone(req.Context())
		tok.SetAuthHeader(r)
		return t.base().RoundTrip(r)
	}
	if t.Key == nil {
		closeBody()
		return nil, ErrNoKey
	}
	resp, err := t.sendWithProof(req, req.Body, tok.AccessToken)
	if err != nil || !t.askedForNonce(req, resp) || !replayable(req) {
		return resp, err
	}
	body := req.Body
	if req.GetBody != nil {
		if body, err = req.GetBody(); err != nil {
			return resp, nil
		}
	}
	drain(resp)
	return t.sendWithProof(req, body, tok.AccessToken)
}

// sendWithProof sends a copy of req with body, the token and a new proof.
func (t *Transport) sendWithProof(req *http.Request, body io.ReadCloser, accessToken string) (*http.Response, error) {
	proof, err := t.Key.Proof(req.Method, req.URL.String(), accessToken)
	if err != nil {
		if body != nil {
			body.Close()
		}
		return nil, fmt.Errorf("dpop: %s %s: %w", req.Method, req.URL.Redacted(), err)
	}
	r := req.Clone(req.Context())
	r.Body = body
	r.Header.Set("Authorization", TokenTypeDPoP+" "+accessToken)
	r.Header.Set("DPoP", proof)
	return t.base().RoundTrip(r)
}

// askedForNonce remembers the response's nonce and reports whether the response refuses the
// request for want of it.
func (t *Transport) askedForNonce(req *http.Request, resp *http.Response) bool {
	isNew := t.Key.SetNonceFrom(req.URL.String(), resp.Header)
	return isNew && resp.StatusCode == http.StatusUnauthorized && nonceChallenge(resp.Header)
}

// nonceChallenge reports whether a WWW-Authenticate header is a DPoP use_dpop_nonce challenge.
func nonceChallenge(h http.Header) bool {
	for _, v := range h.Values("WWW-Authenticate") {
		lower := strings.ToLower(v)
		if strings.HasPrefix(lower, "dpop") && strings.Contains(lower, `error="use_dpop_nonce"`) {
			return true
		}
	}
	return false
}

func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// drain reads a little of a response that will not be used, so that its connection is reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
}

func (t *Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}
