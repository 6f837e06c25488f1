package provider_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/provider"
)

// TestUnreachableKeysAreTheProviderUnavailable: when the provider's keys cannot be fetched,
// the code exchange fails as the provider being unavailable (a 503 for the user, worth a
// retry), not as an invalid ID token.
func TestUnreachableKeysAreTheProviderUnavailable(t *testing.T) {
	t.Parallel()
	idp := newIdP(t)
	p := newProvider(t, idp, nil)
	code, verifier := authorize(t, idp, p)
	idp.FailNext(oidctest.EndpointJWKS, 1, oidctest.HTTPStatus(http.StatusServiceUnavailable))
	_, err := p.Exchange(t.Context(), code, verifier, provider.IDTokenCheck{Nonce: "n", MaxAge: -1})
	if !errors.Is(err, provider.ErrUnavailable) || errors.Is(err, provider.ErrInvalidIDToken) {
		t.Errorf("exchange with the keys unreachable: %v, want ErrUnavailable only", err)
	}
}
