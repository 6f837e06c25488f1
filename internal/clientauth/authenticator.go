package clientauth

import (
	"errors"
	"net/http"
	"net/url"
)

// Names of the client authentication methods, as they appear in
// token_endpoint_auth_methods_supported (RFC 8414 §2).
const (
	MethodSecretBasic   = "client_secret_basic"
	MethodSecretPost    = "client_secret_post"
	MethodPrivateKeyJWT = "private_key_jwt"
	MethodNone          = "none"
)

// Authenticator adds client authentication to a request to an
// authorization server endpoint. Authenticate is called before form is
// encoded into req's body, so it may set form fields, headers, or both.
type Authenticator interface {
	Authenticate(req *http.Request, form url.Values) error
}

var errNoClientID = errors.New("clientauth: client id is empty")

// None is the authentication of a public client (RFC 6749 §2.1): it sends
// client_id in the form and no credential.
type None struct {
	ClientID string
}

// Authenticate sets client_id in form.
func (n None) Authenticate(_ *http.Request, form url.Values) error {
	if n.ClientID == "" {
		return errNoClientID
	}
	form.Set("client_id", n.ClientID)
	return nil
}
