package authchain_test

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/authchain/authchain"
)

// AUTH0_SCOPE and AUTH0_AUDIENCE set the login's scope and audience: a provider that refuses
// offline_access (Google) is reached with settings alone.
func TestConfigFromLookupScopeAndAudience(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want url.Values
	}{
		{"neither", map[string]string{}, nil},
		{"scope", map[string]string{"AUTH0_SCOPE": " openid profile email "}, url.Values{"scope": {"openid profile email"}}},
		{"audience", map[string]string{"AUTH0_AUDIENCE": "https://api.example.com"}, url.Values{"audience": {"https://api.example.com"}}},
		{"both", map[string]string{"AUTH0_SCOPE": "openid email", "AUTH0_AUDIENCE": "https://api.example.com"},
			url.Values{"scope": {"openid email"}, "audience": {"https://api.example.com"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := authchain.ConfigFromLookup(func(name string) (string, bool) {
				v, ok := tc.env[name]
				return v, ok
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cfg.AuthorizationParameters, tc.want) {
				t.Errorf("AuthorizationParameters = %v, want %v", cfg.AuthorizationParameters, tc.want)
			}
		})
	}
}
