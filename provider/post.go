package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/authchain/authchain/dpop"
	"github.com/authchain/authchain/internal/clientauth"
)

// maxBody bounds the answers read here, whatever the client's own limit.
const maxBody = 1 << 20

// call is one POST to an endpoint of the provider: the token, PAR or revocation endpoint.
type call struct {
	// what names the endpoint in errors ("token endpoint").
	what string
	url  string
	form url.Values
	auth clientauth.Authenticator
	// dpop, when set, adds a DPoP proof to the request (RFC 9449 §5).
	dpop *dpop.Key
}

// postForm is the one way to the provider's back-end endpoints. It POSTs c.form as
// application/x-www-form-urlencoded, asking for JSON, after c.auth (when not nil) added the
// client's credentials to a copy of the form or to the request's headers, and decodes a 2xx
// answer into dst (nil dst ignores the body).
//
// A non-2xx answer, or a 2xx answer whose body holds an "error" member, is an *Error. No
// answer (a network failure, a timeout, a cancelled context), a redirect (outbound clients
// follow none), and an answer that is too large or does not decode wrap ErrUnavailable.
//
// With c.dpop, the request carries a DPoP proof; the nonce an answer sends is remembered for
// the next proofs, and an answer use_dpop_nonce with a new nonce is retried once (RFC 9449 §8).
func postForm(ctx context.Context, hc *http.Client, c call, dst any) error {
	status, body, err := sendForm(ctx, hc, c)
	if err != nil {
		return err
	}
	if err := decode(status, body, dst); err != nil {
		var e *Error
		if errors.As(err, &e) {
			return err
		}
		return unavailable(c.what, err)
	}
	return nil
}

// sendForm sends the request, a second time when a DPoP nonce was missing.
func sendForm(ctx context.Context, hc *http.Client, c call) (int, []byte, error) {
	for attempt := 0; ; attempt++ {
		req, err := newRequest(ctx, c)
		if err != nil {
			return 0, nil, err
		}
		status, header, body, err := send(hc, req)
		if err != nil {
			return 0, nil, unavailable(c.what, err)
		}
		if c.dpop == nil {
			return status, body, nil
		}
		newNonce := c.dpop.SetNonceFrom(c.url, header)
		if attempt > 0 || !newNonce || !askedForNonce(status, body) {
			return status, body, nil
		}
	}
}

// askedForNonce reports whether an answer is the error use_dpop_nonce (RFC 9449 §8: a 400;
// a 401, as some servers answer, is taken too).
func askedForNonce(status int, body []byte) bool {
	if status != http.StatusBadRequest && status != http.StatusUnauthorized {
		return false
	}
	var eb errorBody
	return json.Unmarshal(body, &eb) == nil && eb.Error == "use_dpop_nonce"
}

// newRequest builds the POST, with the credentials auth adds and the DPoP proof.
func newRequest(ctx context.Context, c call) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, nil)
	if err != nil {
		return nil, unavailable(c.what, fmt.Errorf("invalid URL: %w", err))
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	form := cloneForm(c.form)
	if c.auth != nil {
		if err := c.auth.Authenticate(req, form); err != nil {
			return nil, fmt.Errorf("provider: client authentication: %w", err)
		}
	}
	if c.dpop != nil {
		proof, err := c.dpop.Proof(http.MethodPost, c.url, "")
		if err != nil {
			return nil, fmt.Errorf("provider: %s: %w", c.what, err)
		}
		req.Header.Set("DPoP", proof)
	}
	enc := form.Encode()
	req.ContentLength = int64(len(enc))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(enc)), nil }
	req.Body, _ = req.GetBody()
	return req, nil
}

func cloneForm(form url.Values) url.Values {
	out := make(url.Values, len(form)+3)
	for k, v := range form {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// send performs the request and reads the whole bounded answer.
func send(hc *http.Client, req *http.Request) (int, http.Header, []byte, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return 0, nil, nil, err
	}
	if len(body) > maxBody {
		return 0, nil, nil, fmt.Errorf("answer larger than %d bytes", maxBody)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// decode turns an answer into dst, or into an *Error.
func decode(status int, body []byte, dst any) error {
	var eb errorBody
	probeErr := json.Unmarshal(body, &eb)
	if status < 200 || status > 299 || (probeErr == nil && eb.Error != "") {
		e := &Error{StatusCode: status, Body: bytes.Clone(body[:min(len(body), MaxErrorBody)])}
		if probeErr == nil {
			e.Code, e.Description, e.URI = eb.Error, eb.ErrorDescription, eb.ErrorURI
			e.MFAToken, e.MFARequirements = eb.MFAToken, bytes.Clone(eb.MFARequirements)
		}
		return e
	}
	if dst == nil {
		return nil
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return fmt.Errorf("the answer does not decode: %w", err)
	}
	return nil
}
