package authchain_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/session"
)

func validConfig() authchain.Config {
	return authchain.Config{
		Domain: "tenant.eu.auth0.com", ClientID: "id", ClientSecret: "secret",
		AppBaseURL: "https://app.example.com", Secret: testSecret,
	}
}

func TestNewAcceptsAValidConfigWithoutNetwork(t *testing.T) {
	t.Parallel()
	if _, err := authchain.New(validConfig()); err != nil {
		t.Fatal(err)
	}
}

func TestNewListsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := authchain.New(authchain.Config{
		Secret:                  "short",
		RetiredSecrets:          []string{"tiny"},
		AppBaseURL:              "ftp://x",
		LogoutStrategy:          "sideways",
		Routes:                  authchain.Routes{Login: "auth/login", Logout: "/auth/callback"},
		Session:                 authchain.SessionConfig{AbsoluteDuration: -1, CookieFormat: "jwt"},
		AuthorizationParameters: map[string][]string{"scope": {"profile email"}},
		TransactionCookie:       authchain.TransactionCookieConfig{SameSite: http.SameSiteStrictMode, Format: "cookies"},
	})
	if !errors.Is(err, authchain.ErrInvalidConfig) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{
		"Domain", "ClientID", "ClientSecret", "AppBaseURL", "Secret:", "RetiredSecrets", "LogoutStrategy",
		"Routes.Login", "is used by another route", "Session.AbsoluteDuration", "AuthorizationParameters", "TransactionCookie.SameSite",
		"Session.CookieFormat", "TransactionCookie.Format",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not mention %s:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "zq9") || strings.Contains(err.Error(), "xk7") {
		t.Error("the error shows a secret")
	}
}

func TestDomainForms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		domain   string
		insecure bool
		ok       bool
	}{
		{"tenant.auth0.com", false, true},
		{"https://idp.example.com/realms/x", false, true},
		{"http://127.0.0.1:4444", false, false},
		{"http://127.0.0.1:4444", true, true},
		{"localhost:8080", false, false},
		{"localhost:8080", true, true},
		{"https://idp.example.com:8443", false, false},
		{"http://idp.example.com", false, false},
		{"https://idp.example.com/?x=1", false, false},
		{"https://user@idp.example.com", false, false},
		{"ftp://idp.example.com", true, false},
		{"", false, false},
	} {
		cfg := validConfig()
		cfg.Domain, cfg.AllowInsecureRequests = tc.domain, tc.insecure
		_, err := authchain.New(cfg)
		if (err == nil) != tc.ok {
			t.Errorf("Domain %q (insecure %v): err = %v", tc.domain, tc.insecure, err)
		}
	}
}

func TestClientAuthenticationIsRequired(t *testing.T) {
	t.Parallel()
	cfg := validConfig()
	cfg.ClientSecret = ""
	if _, err := authchain.New(cfg); err == nil || !strings.Contains(err.Error(), "ClientSecret") {
		t.Errorf("no secret and no key: %v", err)
	}
	cfg.ClientAssertionSigningKey = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----"
	if _, err := authchain.New(cfg); err == nil || !strings.Contains(err.Error(), "ClientAssertionSigningKey") {
		t.Errorf("bad key: %v", err)
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	cfg.ClientAssertionSigningKey = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if _, err := authchain.New(cfg); err != nil {
		t.Errorf("an EC key: %v", err)
	}
	cfg.ClientAssertionSigningAlg = "RS256"
	if _, err := authchain.New(cfg); err == nil || !strings.Contains(err.Error(), "ClientAssertionSigningAlg") {
		t.Errorf("an EC key with RS256: %v", err)
	}
}

func TestConfigFromLookup(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"AUTH0_DOMAIN": "tenant.auth0.com", "AUTH0_CLIENT_ID": "id", "AUTH0_CLIENT_SECRET": "cs",
		"AUTH0_SECRET":                     testSecret + ", " + strings.Repeat("r", 32),
		"APP_BASE_URL":                     "https://app.example.com",
		"AUTH0_COOKIE_DOMAIN":              "example.com",
		"AUTH0_COOKIE_PATH":                "/app",
		"AUTH0_COOKIE_SECURE":              "true",
		"AUTH0_COOKIE_SAME_SITE":           "Strict",
		"AUTH0_COOKIE_TRANSIENT":           "1",
		"AUTH0_COOKIE_DISABLE_HOST_PREFIX": "true",
		"AUTH0_COOKIE_FORMAT":              "SecureCookie",
		"AUTH0_COOKIE_ACCEPT_OTHER_FORMAT": "true",
		"AUTH0_TRANSACTION_COOKIE_FORMAT":  "NextJS",
	}
	cfg, err := authchain.ConfigFromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Session.Cookie
	if cfg.Domain != "tenant.auth0.com" || cfg.ClientID != "id" || cfg.ClientSecret != "cs" || cfg.Secret != testSecret ||
		len(cfg.RetiredSecrets) != 1 || cfg.AppBaseURL != "https://app.example.com" ||
		c.Domain != "example.com" || c.Path != "/app" || !c.Secure || c.SameSite != http.SameSiteStrictMode || !c.Transient ||
		!c.DisableHostPrefix || !cfg.TransactionCookie.DisableHostPrefix ||
		cfg.Session.CookieFormat != session.FormatSecureCookie || !cfg.Session.AcceptOtherCookieFormat ||
		cfg.TransactionCookie.Format != mw.TransactionFormatNextJS {
		t.Errorf("config = %+v", cfg)
	}
	if _, err := authchain.New(cfg); err != nil {
		t.Errorf("New: %v", err)
	}

	env["AUTH0_COOKIE_SECURE"], env["AUTH0_COOKIE_SAME_SITE"] = "yes please", "sometimes"
	env["AUTH0_COOKIE_FORMAT"], env["AUTH0_TRANSACTION_COOKIE_FORMAT"] = "jwt", "cookies"
	_, err = authchain.ConfigFromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err == nil || !strings.Contains(err.Error(), "AUTH0_COOKIE_SECURE") || !strings.Contains(err.Error(), "AUTH0_COOKIE_SAME_SITE") ||
		!strings.Contains(err.Error(), "AUTH0_COOKIE_FORMAT") || !strings.Contains(err.Error(), "AUTH0_TRANSACTION_COOKIE_FORMAT") {
		t.Errorf("bad values: %v", err)
	}
}
