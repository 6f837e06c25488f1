package authchain

import "github.com/authchain/authchain/provider"

// auth0Client returns the Auth0-Client telemetry header of the provider's requests: set for
// an Auth0 domain unless DisableTelemetry, empty otherwise.
func (r *resolved) auth0Client() string {
	if r.DisableTelemetry || !provider.IsAuth0Issuer(r.issuer) {
		return ""
	}
	return provider.Auth0ClientHeader("authchain", Version)
}
