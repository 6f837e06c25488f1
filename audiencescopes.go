package authchain

import (
	"maps"
	"net/url"

	"github.com/authchain/authchain/mw"
)

// resolveAudienceScopes checks AudienceScopes and, when the login's audience has an entry and
// AuthorizationParameters no scope, makes that entry the login's scope.
func (r *resolved) resolveAudienceScopes() error {
	if len(r.AudienceScopes) == 0 {
		return nil
	}
	audience := r.AuthorizationParameters.Get("audience")
	if audience == "" {
		return configError("AudienceScopes", "when the scope is set per audience, AuthorizationParameters needs an audience (the login's)")
	}
	for aud := range r.AudienceScopes {
		if aud == "" {
			return configError("AudienceScopes", "an audience is empty")
		}
	}
	scope, ok := r.AudienceScopes[audience]
	if !ok || r.AuthorizationParameters.Get("scope") != "" {
		return nil
	}
	params := url.Values{}
	for k, v := range r.AuthorizationParameters {
		params[k] = append([]string(nil), v...)
	}
	params.Set("scope", scope)
	r.AuthorizationParameters = params
	return nil
}

// audienceScopes returns the scope of each audience the access tokens ask for by default: the
// configured map, with the login's audience mapped to the login's scope. Nil without a map.
func (r *resolved) audienceScopes() map[string]string {
	if len(r.AudienceScopes) == 0 {
		return nil
	}
	out := maps.Clone(r.AudienceScopes)
	scope := r.AuthorizationParameters.Get("scope")
	if scope == "" {
		scope = mw.DefaultScope
	}
	out[r.AuthorizationParameters.Get("audience")] = scope
	return out
}
