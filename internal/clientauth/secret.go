package clientauth

import (
	"errors"
	"net/http"
	"net/url"
)

var errNoSecret = errors.New("clientauth: client secret is empty")

// SecretBasic is client_secret_basic (RFC 6749 §2.3.1): the client id and
// secret, each encoded with application/x-www-form-urlencoded, as the user
// name and password of an HTTP Basic Authorization header (RFC 7617).
// Encoding matters for ids and secrets holding ':', '%', '+' or spaces.
type SecretBasic struct {
	ClientID string
	Secret   string
}

// Authenticate sets req's Authorization header.
func (s SecretBasic) Authenticate(req *http.Request, _ url.Values) error {
	if err := checkSecret(s.ClientID, s.Secret); err != nil {
		return err
	}
	req.SetBasicAuth(url.QueryEscape(s.ClientID), url.QueryEscape(s.Secret))
	return nil
}

// SecretPost is client_secret_post (RFC 6749 §2.3.1): client_id and
// client_secret in the request body.
type SecretPost struct {
	ClientID string
	Secret   string
}

// Authenticate sets client_id and client_secret in form.
func (s SecretPost) Authenticate(_ *http.Request, form url.Values) error {
	if err := checkSecret(s.ClientID, s.Secret); err != nil {
		return err
	}
	form.Set("client_id", s.ClientID)
	form.Set("client_secret", s.Secret)
	return nil
}

func checkSecret(id, secret string) error {
	if id == "" {
		return errNoClientID
	}
	if secret == "" {
		return errNoSecret
	}
	return nil
}
