package provider

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
)

// Auth0ClientHeader returns the value of Auth0's Auth0-Client telemetry header for a library
// name and version: the base64 of {"name":name,"version":version}, as Auth0's SDKs send it.
func Auth0ClientHeader(name, version string) string {
	b, _ := json.Marshal(struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}{name, version})
	return base64.StdEncoding.EncodeToString(b)
}

// auth0ClientHeader returns the headers that carry the Auth0-Client value v, or nil.
func auth0ClientHeader(v string) http.Header {
	if v == "" {
		return nil
	}
	return http.Header{"Auth0-Client": {v}}
}
