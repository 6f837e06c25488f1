package authchain_test

import (
	"errors"
	"net/url"
	"reflect"
	"testing"
	"time"

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

// AUTH0_MFA_TOKEN_TTL sets how long a sealed mfa_token can be opened, in seconds; anything but
// a positive number is refused.
func TestConfigFromLookupMFATokenTTL(t *testing.T) {
	lookup := func(v string) func(string) (string, bool) {
		return func(name string) (string, bool) {
			if name == "AUTH0_MFA_TOKEN_TTL" {
				return v, true
			}
			return "", false
		}
	}
	cfg, err := authchain.ConfigFromLookup(lookup("600"))
	if err != nil || cfg.MFATokenTTL != 10*time.Minute {
		t.Errorf("600: MFATokenTTL = %v, %v; want 10m", cfg.MFATokenTTL, err)
	}
	for _, bad := range []string{"0", "-5", "5m", "ten"} {
		if _, err := authchain.ConfigFromLookup(lookup(bad)); !errors.Is(err, authchain.ErrInvalidConfig) {
			t.Errorf("%q: %v; want ErrInvalidConfig", bad, err)
		}
	}
}
