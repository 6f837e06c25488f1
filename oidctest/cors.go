package oidctest

import "net/http"

// corsAllowed reports whether browsers may call endpoint e from other origins
// (single-page applications fetch these directly).
func corsAllowed(e Endpoint) bool {
	switch e {
	case EndpointDiscovery, EndpointJWKS, EndpointToken, EndpointUserinfo, EndpointRevocation:
		return true
	}
	return false
}

// cors adds CORS headers for a cross-origin request and answers a preflight;
// it reports whether the request has been answered.
func cors(w http.ResponseWriter, r *http.Request, e Endpoint) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || !corsAllowed(e) {
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return false
	}
	h.Set("Access-Control-Allow-Methods", "GET, POST")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, DPoP")
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
	return true
}
