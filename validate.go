package authchain

import (
	"crypto"
	"errors"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authchain/authchain/dpop"
	"github.com/authchain/authchain/internal/clientauth"
	"github.com/authchain/authchain/internal/returnto"
	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/session"
)

// resolved is a validated Config with its defaults applied.
type resolved struct {
	Config
	issuer     string
	baseURL    *url.URL
	origins    origins
	signingKey crypto.Signer
	dpopKey    *dpop.Key // nil: DPoP off
	routes     Routes
}

// resolve checks every setting and returns all problems at once.
func resolve(cfg Config) (*resolved, error) {
	r := &resolved{Config: cfg}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	add(r.resolveDomain())
	add(r.resolveClient())
	add(r.resolveBaseURL())
	add(checkSecrets(cfg.Secret, cfg.RetiredSecrets))
	add(r.resolveRoutes())
	add(r.resolveDurations())
	add(r.resolveCookies())
	add(r.resolveAudienceScopes())
	add(r.resolveDPoP())
	if cfg.MFATokenTTL < 0 {
		add(configError("MFATokenTTL", "must not be negative"))
	}
	add(checkScope(r.AuthorizationParameters))
	add(checkLogoutStores(cfg))
	switch cfg.LogoutStrategy {
	case "", LogoutAuto, LogoutOIDC, LogoutV2:
	default:
		add(configError("LogoutStrategy", "%q is not auto, oidc or v2", string(cfg.LogoutStrategy)))
	}
	if r.LogoutStrategy == "" {
		r.LogoutStrategy = LogoutAuto
	}
	if r.SignInReturnToPath == "" {
		r.SignInReturnToPath = "/"
		if r.baseURL != nil {
			r.SignInReturnToPath = r.baseURL.Path
		}
	}
	if r.baseURL != nil {
		if _, ok := returnto.Safe(r.SignInReturnToPath, r.baseURL); !ok || !strings.HasPrefix(r.SignInReturnToPath, "/") {
			add(configError("SignInReturnToPath", "must be a path on the application's origin"))
		}
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.SessionStore == nil && r.LogoutRecords == nil {
		r.LogoutRecords = session.NewMemoryLogoutRecords(r.Now)
	}
	if r.LogoutReplayCache == nil {
		r.LogoutReplayCache = session.NewMemoryReplayCache(r.Now)
	}
	return r, errors.Join(errs...)
}

// checkLogoutStores checks that back-channel logout can end the sessions: stored sessions by
// deleting them (the store is a session.LogoutDeleter), cookie sessions through the logout
// records, which a store makes pointless.
func checkLogoutStores(cfg Config) error {
	if cfg.SessionStore == nil {
		return nil
	}
	var errs []error
	if _, ok := cfg.SessionStore.(session.LogoutDeleter); !ok {
		errs = append(errs, configError("SessionStore", "%T does not implement session.LogoutDeleter (DeleteByLogoutToken), which back-channel logout needs to end its sessions", cfg.SessionStore))
	}
	if cfg.LogoutRecords != nil || cfg.LogoutRecordsFailOpen {
		errs = append(errs, configError("LogoutRecords", "are for sessions kept in cookies; with a SessionStore, back-channel logout deletes the stored sessions"))
	}
	return errors.Join(errs...)
}

// resolveDomain turns Domain into the issuer.
func (r *resolved) resolveDomain() error {
	d := strings.TrimSpace(r.Domain)
	if d == "" {
		return configError("Domain", "required (AUTH0_DOMAIN)")
	}
	if !strings.Contains(d, "://") {
		d = "https://" + d + "/"
	}
	u, err := url.Parse(d)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return configError("Domain", "must be a host name or an https URL without query or fragment")
	}
	insecure := u.Scheme != "https" || u.Port() != "" || isLocal(u.Hostname())
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return configError("Domain", "must use https")
	case insecure && !r.AllowInsecureRequests:
		return configError("Domain", "plain http, localhost, IP addresses and ports need AllowInsecureRequests")
	}
	r.issuer = d
	return nil
}

func isLocal(host string) bool {
	h := strings.ToLower(host)
	return h == "localhost" || strings.HasSuffix(h, ".localhost") || net.ParseIP(h) != nil
}

func (r *resolved) resolveClient() error {
	var errs []error
	if r.ClientID == "" {
		errs = append(errs, configError("ClientID", "required (AUTH0_CLIENT_ID)"))
	}
	switch {
	case r.ClientAssertionSigningKey != "":
		key, err := clientauth.ParsePrivateKeyPEM(r.ClientAssertionSigningKey)
		if err != nil {
			errs = append(errs, configError("ClientAssertionSigningKey", "%v", err))
			break
		}
		r.signingKey = key
		if _, err := clientauth.Choose([]string{clientauth.MethodPrivateKeyJWT}, r.ClientID, "", key, r.ClientAssertionSigningAlg, "https://issuer.invalid/", time.Now); err != nil {
			errs = append(errs, configError("ClientAssertionSigningAlg", "%v", err))
		}
	case r.ClientSecret == "":
		errs = append(errs, configError("ClientSecret", "required unless ClientAssertionSigningKey is set (AUTH0_CLIENT_SECRET)"))
	}
	return errors.Join(errs...)
}

// resolveDPoP picks the DPoP key: DPoPKey, or a new ES256 key with UseDPoP.
func (r *resolved) resolveDPoP() error {
	switch {
	case r.DPoPKey != nil:
		r.dpopKey = r.DPoPKey
	case r.UseDPoP:
		now := r.Now
		if now == nil {
			now = time.Now
		}
		k, err := dpop.GenerateKey(dpop.WithClock(now))
		if err != nil {
			return configError("UseDPoP", "%v", err)
		}
		r.dpopKey = k
	}
	return nil
}

func (r *resolved) resolveBaseURL() error {
	switch {
	case len(r.AppBaseURLs) > 0 && r.AppBaseURL != "":
		return configError("AppBaseURLs", "set AppBaseURL or AppBaseURLs, not both")
	case len(r.AppBaseURLs) > 0:
		return r.resolveBaseURLs()
	case r.AppBaseURLs != nil:
		return configError("AppBaseURLs", "is empty")
	case r.AppBaseURL == "":
		return configError("AppBaseURL", "required (APP_BASE_URL)")
	}
	u, err := parseBaseURL(r.AppBaseURL)
	if err != nil {
		return configError("AppBaseURL", "%v", err)
	}
	r.baseURL = u
	return nil
}

// parseBaseURL parses an application base URL, its path ending in a slash.
func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, errors.New("must be an absolute http(s) URL without query or fragment")
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

func checkSecrets(secret string, retired []string) error {
	var errs []error
	if len(secret) < session.MinSecretLength {
		errs = append(errs, configError("Secret", "must be at least %d bytes (AUTH0_SECRET; generate one with: openssl rand -hex 32)", session.MinSecretLength))
	}
	for i, s := range retired {
		if len(s) < session.MinSecretLength {
			errs = append(errs, configError("RetiredSecrets", "secret %d is shorter than %d bytes", i, session.MinSecretLength))
		}
	}
	return errors.Join(errs...)
}

func (r *resolved) resolveRoutes() error {
	def := DefaultRoutes()
	routes := r.Routes
	var errs []error
	seen := map[string]bool{}
	for _, f := range []struct {
		name     string
		value    *string
		fallback string
	}{
		{"Login", &routes.Login, def.Login}, {"Logout", &routes.Logout, def.Logout},
		{"Callback", &routes.Callback, def.Callback}, {"Profile", &routes.Profile, def.Profile},
		{"AccessToken", &routes.AccessToken, def.AccessToken}, {"BackChannelLogout", &routes.BackChannelLogout, def.BackChannelLogout},
	} {
		if *f.value == "" {
			*f.value = f.fallback
		}
		if !strings.HasPrefix(*f.value, "/") || strings.ContainsAny(*f.value, "?#") {
			errs = append(errs, configError("Routes."+f.name, "must be a path starting with /"))
		}
		if seen[*f.value] {
			errs = append(errs, configError("Routes."+f.name, "%q is used by another route", *f.value))
		}
		seen[*f.value] = true
	}
	r.routes = routes
	return errors.Join(errs...)
}

func (r *resolved) resolveDurations() error {
	var errs []error
	for name, d := range map[string]time.Duration{
		"Session.AbsoluteDuration": r.Session.AbsoluteDuration, "Session.InactivityDuration": r.Session.InactivityDuration,
		"Session.RollingThreshold": r.Session.RollingThreshold, "TransactionCookie.MaxAge": r.TransactionCookie.MaxAge,
		"HTTPTimeout": r.HTTPTimeout, "TokenRefreshBuffer": r.TokenRefreshBuffer,
	} {
		if d < 0 {
			errs = append(errs, configError(name, "must not be negative"))
		}
	}
	return errors.Join(errs...)
}

func (r *resolved) resolveCookies() error {
	var errs []error
	if r.Session.Cookie.SameSite == http.SameSiteNoneMode && !r.Session.Cookie.Secure && !r.httpsBase() {
		errs = append(errs, configError("Session.Cookie.SameSite", "None needs Secure"))
	}
	if r.TransactionCookie.SameSite == http.SameSiteStrictMode {
		errs = append(errs, configError("TransactionCookie.SameSite", "Strict would drop the cookie on the callback from the provider; use Lax"))
	}
	if f := r.TransactionCookie.Format; f.Check() != nil {
		errs = append(errs, configError("TransactionCookie.Format", "%q is not %q or %q", string(f), mw.TransactionFormatSlots, mw.TransactionFormatNextJS))
	}
	if f := r.Session.CookieFormat; f.Check() != nil {
		errs = append(errs, configError("Session.CookieFormat", "%q is not %q or %q", string(f), session.FormatNextJS, session.FormatSecureCookie))
	}
	return errors.Join(errs...)
}

// httpsBase reports whether every base URL of the application is https.
func (r *resolved) httpsBase() bool {
	if r.baseURL == nil {
		return false
	}
	for _, u := range r.origins.all() {
		if u.Scheme != "https" {
			return false
		}
	}
	return r.baseURL.Scheme == "https"
}

func checkScope(params url.Values) error {
	if scope := params.Get("scope"); scope == "" || slices.Contains(strings.Fields(scope), "openid") {
		return nil
	}
	return configError("AuthorizationParameters", "scope must include openid")
}

// sessionCookie returns the session cookie's options.
func (r *resolved) sessionCookie() session.CookieOptions {
	c := r.Session.Cookie
	c.Secure = c.Secure || r.httpsBase()
	return c.WithDefaults()
}

// transactionCookie returns the transaction cookies' options (Name holds the prefix).
func (r *resolved) transactionCookie() session.CookieOptions {
	c := r.TransactionCookie
	return session.CookieOptions{
		Name: c.Prefix, Domain: c.Domain, Path: c.Path, SameSite: c.SameSite,
		Secure: c.Secure || r.httpsBase(), DisableHostPrefix: c.DisableHostPrefix,
	}
}

func (r *resolved) lifetime() session.Lifetime {
	s := r.Session
	return session.Lifetime{
		AbsoluteDuration: s.AbsoluteDuration, InactivityDuration: s.InactivityDuration,
		DisableRolling: s.DisableRolling, RollingThreshold: s.RollingThreshold,
	}
}
