package oauthhttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/authchain/authchain/internal/clientauth"
	"github.com/authchain/authchain/internal/outbound"
)

// maxBody bounds the answers read here, whatever the client's own limit.
const maxBody = 1 << 20

// PostForm POSTs form to endpoint as application/x-www-form-urlencoded,
// asking for JSON, after auth (when not nil) has added the client's
// credentials to a copy of form or to the request headers. A 2xx answer is
// decoded into dst (nil dst ignores the body).
//
// A non-2xx answer, or a 2xx answer whose body holds an "error" member, is
// returned as *Error. Transport failures wrap ErrUnreachable and their
// cause; an undecodable or oversized answer, or a redirect (which an
// outbound client does not follow, see outbound.RedirectError), wraps
// ErrMalformedResponse.
func PostForm(ctx context.Context, c *http.Client, endpoint string, form url.Values, auth clientauth.Authenticator, dst any) error {
	if c == nil {
		return errors.New("oauthhttp: nil HTTP client")
	}
	req, err := newRequest(ctx, endpoint, form, auth)
	if err != nil {
		return err
	}
	status, body, err := send(c, req)
	if err != nil {
		return err
	}
	return decode(status, body, dst)
}

// newRequest builds the POST, with the credentials auth adds.
func newRequest(ctx context.Context, endpoint string, form url.Values, auth clientauth.Authenticator) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, nil)
	if err != nil {
		return nil, fmt.Errorf("oauthhttp: invalid endpoint: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	form = cloneForm(form)
	if auth != nil {
		if err := auth.Authenticate(req, form); err != nil {
			return nil, fmt.Errorf("oauthhttp: client authentication: %w", err)
		}
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
func send(c *http.Client, req *http.Request) (int, []byte, error) {
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, failure(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return 0, nil, failure(err)
	}
	if len(body) > maxBody {
		return 0, nil, fmt.Errorf("%w: answer larger than %d bytes", ErrMalformedResponse, maxBody)
	}
	return resp.StatusCode, body, nil
}

// failure classifies an error of the exchange: an oversized answer or a
// redirect is malformed, anything else means the server could not be
// reached.
func failure(err error) error {
	var re *outbound.RedirectError
	if errors.Is(err, outbound.ErrResponseTooLarge) || errors.As(err, &re) {
		return fmt.Errorf("%w: %w", ErrMalformedResponse, err)
	}
	return fmt.Errorf("%w: %w", ErrUnreachable, err)
}

// decode turns an answer into dst or an error.
func decode(status int, body []byte, dst any) error {
	var eb errorBody
	probeErr := json.Unmarshal(body, &eb)
	if status < 200 || status > 299 || (probeErr == nil && eb.Error != "") {
		e := &Error{StatusCode: status}
		if probeErr == nil {
			e.Code, e.Description, e.URI = eb.Error, eb.ErrorDescription, eb.ErrorURI
		}
		return e
	}
	if dst == nil {
		return nil
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformedResponse, err)
	}
	return nil
}
