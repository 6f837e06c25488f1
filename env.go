package authchain

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/authchain/authchain/dpop"
	"github.com/authchain/authchain/internal/clientauth"
	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/session"
)

// ConfigFromEnv reads a Config from the environment, with the original SDK's variable names:
//
//	AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET
//	APP_BASE_URL                        AppBaseURL; comma-separated: AppBaseURLs (several origins)
//	AUTH0_SCOPE, AUTH0_AUDIENCE         the scope and audience of every login
//	AUTH0_SECRET                        comma-separated: the first seals, the rest are retired
//	AUTH0_CLIENT_ASSERTION_SIGNING_KEY  PEM private key (private_key_jwt)
//	AUTH0_CLIENT_ASSERTION_SIGNING_ALG
//	AUTH0_COOKIE_DOMAIN, AUTH0_COOKIE_PATH, AUTH0_COOKIE_SECURE (true/false),
//	AUTH0_COOKIE_SAME_SITE (lax/strict/none), AUTH0_COOKIE_TRANSIENT (true/false),
//	AUTH0_COOKIE_DISABLE_HOST_PREFIX (true/false: keep "__session" on https, no "__Host-")
//	AUTH0_COOKIE_FORMAT                 nextjs (default) or securecookie
//	AUTH0_COOKIE_ACCEPT_OTHER_FORMAT    true/false: also read the other format (a migration)
//	AUTH0_TRANSACTION_COOKIE_FORMAT     slots (default) or nextjs: how login cookies are written
//	AUTH0_ALLOW_INSECURE_REQUESTS       true/false
//	AUTH0_DISABLE_TELEMETRY             true/false: no Auth0-Client header to an Auth0 domain
//	AUTH0_MFA_TOKEN_TTL                 seconds a sealed mfa_token can be opened (default 300)
//	AUTH0_CUSTOM_DOMAIN                 true/false: AUTH0_DOMAIN is an Auth0 tenant's custom domain
//	AUTH0_USE_DPOP                      true/false: bind tokens to a key (DPoP)
//	AUTH0_DPOP_PRIVATE_KEY              PEM private key of DPoP (turns DPoP on)
//	AUTH0_DPOP_PUBLIC_KEY               PEM public key, checked against the private key
//
// Missing required values are reported by New, with every other problem; ConfigFromEnv
// reports only values it cannot parse. Set the rest (hooks, store, logger) on the Config it
// returns.
func ConfigFromEnv() (Config, error) { return ConfigFromLookup(os.LookupEnv) }

// NewFromEnv returns the Client of the configuration the environment describes: ConfigFromEnv,
// then New. Its error lists every missing or invalid value. To set what the environment
// cannot (hooks, a store, a logger), call ConfigFromEnv and New instead.
func NewFromEnv() (*Client, error) {
	cfg, err := ConfigFromEnv()
	if err != nil {
		return nil, err
	}
	return New(cfg)
}

// ConfigFromLookup is ConfigFromEnv with the environment read through lookup.
func ConfigFromLookup(lookup func(string) (string, bool)) (Config, error) {
	get := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	cfg := Config{
		Domain:                    get("AUTH0_DOMAIN"),
		ClientID:                  get("AUTH0_CLIENT_ID"),
		ClientSecret:              get("AUTH0_CLIENT_SECRET"),
		ClientAssertionSigningKey: get("AUTH0_CLIENT_ASSERTION_SIGNING_KEY"),
		ClientAssertionSigningAlg: get("AUTH0_CLIENT_ASSERTION_SIGNING_ALG"),
	}
	if bases := get("APP_BASE_URL"); strings.Contains(bases, ",") {
		cfg.AppBaseURLs = splitList(bases)
	} else {
		cfg.AppBaseURL = bases
	}
	if secrets := splitList(get("AUTH0_SECRET")); len(secrets) > 0 {
		cfg.Secret, cfg.RetiredSecrets = secrets[0], secrets[1:]
	}
	for name, param := range map[string]string{"AUTH0_SCOPE": "scope", "AUTH0_AUDIENCE": "audience"} {
		if v := get(name); v != "" {
			if cfg.AuthorizationParameters == nil {
				cfg.AuthorizationParameters = url.Values{}
			}
			cfg.AuthorizationParameters.Set(param, v)
		}
	}
	c := &cfg.Session.Cookie
	c.Domain, c.Path = get("AUTH0_COOKIE_DOMAIN"), get("AUTH0_COOKIE_PATH")
	cfg.TransactionCookie.Domain, cfg.TransactionCookie.Path = c.Domain, c.Path
	var errs []error
	parseBool := func(name string, dst *bool) {
		if v := get(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, configError(name, "%q is not true or false", v))
			}
			*dst = b
		}
	}
	parseBool("AUTH0_COOKIE_SECURE", &c.Secure)
	parseBool("AUTH0_COOKIE_TRANSIENT", &c.Transient)
	parseBool("AUTH0_COOKIE_DISABLE_HOST_PREFIX", &c.DisableHostPrefix)
	parseBool("AUTH0_ALLOW_INSECURE_REQUESTS", &cfg.AllowInsecureRequests)
	parseBool("AUTH0_DISABLE_TELEMETRY", &cfg.DisableTelemetry)
	parseBool("AUTH0_COOKIE_ACCEPT_OTHER_FORMAT", &cfg.Session.AcceptOtherCookieFormat)
	if v := get("AUTH0_COOKIE_FORMAT"); v != "" {
		cfg.Session.CookieFormat = session.CookieFormat(strings.ToLower(v))
		if err := cfg.Session.CookieFormat.Check(); err != nil {
			errs = append(errs, configError("AUTH0_COOKIE_FORMAT", "%q is not nextjs or securecookie", v))
		}
	}
	if v := get("AUTH0_TRANSACTION_COOKIE_FORMAT"); v != "" {
		cfg.TransactionCookie.Format = mw.TransactionFormat(strings.ToLower(v))
		if err := cfg.TransactionCookie.Format.Check(); err != nil {
			errs = append(errs, configError("AUTH0_TRANSACTION_COOKIE_FORMAT", "%q is not slots or nextjs", v))
		}
	}
	if v := get("AUTH0_MFA_TOKEN_TTL"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			errs = append(errs, configError("AUTH0_MFA_TOKEN_TTL", "%q is not a positive number of seconds", v))
		}
		cfg.MFATokenTTL = time.Duration(n) * time.Second
	}
	parseBool("AUTH0_USE_DPOP", &cfg.UseDPoP)
	parseBool("AUTH0_CUSTOM_DOMAIN", &cfg.Auth0CustomDomain)
	if err := dpopFromEnv(get, &cfg); err != nil {
		errs = append(errs, err)
	}
	cfg.TransactionCookie.Secure = c.Secure
	cfg.TransactionCookie.DisableHostPrefix = c.DisableHostPrefix
	if v := get("AUTH0_COOKIE_SAME_SITE"); v != "" {
		ss, ok := map[string]http.SameSite{"lax": http.SameSiteLaxMode, "strict": http.SameSiteStrictMode, "none": http.SameSiteNoneMode}[strings.ToLower(v)]
		if !ok {
			errs = append(errs, configError("AUTH0_COOKIE_SAME_SITE", "%q is not lax, strict or none", v))
		}
		c.SameSite = ss
	}
	return cfg, errors.Join(errs...)
}

func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// dpopFromEnv reads the DPoP key. Errors name the variable and the problem, never the key.
func dpopFromEnv(get func(string) string, cfg *Config) error {
	priv, pub := get("AUTH0_DPOP_PRIVATE_KEY"), get("AUTH0_DPOP_PUBLIC_KEY")
	if priv == "" {
		if pub != "" {
			return configError("AUTH0_DPOP_PUBLIC_KEY", "is set without AUTH0_DPOP_PRIVATE_KEY")
		}
		return nil
	}
	key, err := dpop.ParsePrivateKeyPEM(priv)
	if err != nil {
		return configError("AUTH0_DPOP_PRIVATE_KEY", "%v", err)
	}
	if pub != "" {
		if err := checkPublicKeyPEM(pub, key); err != nil {
			return configError("AUTH0_DPOP_PUBLIC_KEY", "%v", err)
		}
	}
	cfg.DPoPKey = key
	return nil
}

// checkPublicKeyPEM reports whether the PEM public key is the private key's.
func checkPublicKeyPEM(pub string, key *dpop.Key) error {
	block := clientauth.DecodePEM(pub)
	if block == nil {
		return errors.New("no PEM block")
	}
	pk, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return fmt.Errorf("not a public key: %w", err)
	}
	eq, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !eq.Equal(pk) {
		return errors.New("is not the public key of AUTH0_DPOP_PRIVATE_KEY")
	}
	return nil
}
