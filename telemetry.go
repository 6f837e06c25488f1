package authchain

import "github.com/authchain/authchain/provider"

// auth0Client returns the Auth0-Client telemetry header of the provider's requests: set for
// an Auth0 domain (or Auth0CustomDomain) unless DisableTelemetry, empty otherwise.
func (r *resolved) auth0Client() string {
	if r.DisableTelemetry || !(r.Auth0CustomDomain || provider.IsAuth0Issuer(r.issuer)) {
		return ""
	}
	return provider.Auth0ClientHeader("authchain", Version)
}
