package clientauth

import (
	"crypto"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Choose returns the authenticator for a client, given the provider's
// token_endpoint_auth_methods_supported:
//
//   - with a key: PrivateKeyJWT with alg, audience and now;
//   - with a secret: SecretBasic when supported lists client_secret_basic or
//     is empty (the RFC 8414 §2 default), else SecretPost when it lists
//     client_secret_post;
//   - with neither: None when supported lists none.
//
// Any other combination is an error, as is a key that does not fit alg.
func Choose(supported []string, clientID, secret string, key crypto.Signer, alg, audience string, now func() time.Time) (Authenticator, error) {
	if clientID == "" {
		return nil, errNoClientID
	}
	if key != nil {
		p := PrivateKeyJWT{ClientID: clientID, Key: key, Alg: alg, Audience: audience, Now: now}
		if _, err := p.check(); err != nil {
			return nil, err
		}
		return p, nil
	}
	if secret == "" {
		if slices.Contains(supported, MethodNone) {
			return None{ClientID: clientID}, nil
		}
		return nil, errors.New("clientauth: the provider requires client authentication; set a client secret or a private key")
	}
	switch {
	case len(supported) == 0 || slices.Contains(supported, MethodSecretBasic):
		return SecretBasic{ClientID: clientID, Secret: secret}, nil
	case slices.Contains(supported, MethodSecretPost):
		return SecretPost{ClientID: clientID, Secret: secret}, nil
	}
	return nil, fmt.Errorf("clientauth: the provider supports none of %s, %s (it lists %q); configure a private key",
		MethodSecretBasic, MethodSecretPost, supported)
}
