package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
)

// demoClientID is the client the demo provider registers for the app.
const demoClientID = "next-intl-like"

// setup is what newServer needs besides the environment.
type setup struct {
	// getenv reads the environment (AUTH0_*, APP_BASE_URL).
	getenv func(string) string
	// defaultBase is the app's URL when APP_BASE_URL is unset.
	defaultBase string
	// now is the app's clock; nil: time.Now.
	now    func() time.Time
	logger *slog.Logger
}

// server is the app wired to authchain, with the demo provider it started, if any.
type server struct {
	handler http.Handler
	baseURL string           // the app's URL, without a trailing slash
	idp     *oidctest.Server // the demo provider; nil with a real one
	shared  *sharedState     // the Redis of REDIS_URL; nil without
}

// newServer builds the app. Without AUTH0_DOMAIN it starts the demo provider (oidctest with its
// login form) on a loopback port and signs in there; otherwise it uses the provider the
// AUTH0_* variables name. With REDIS_URL it shares its state with its other instances through
// that Redis (see readRedisSettings). Close stops the demo provider and closes the Redis
// client.
func newServer(st setup) (*server, error) {
	if st.logger == nil {
		st.logger = slog.New(slog.DiscardHandler)
	}
	cfg, err := authchain.ConfigFromLookup(func(name string) (string, bool) {
		v := st.getenv(name)
		return v, v != ""
	})
	if err != nil {
		return nil, err
	}
	sharing, err := readRedisSettings(st.getenv)
	if err != nil {
		return nil, err
	}
	cfg.AppBaseURL = cmp.Or(cfg.AppBaseURL, st.defaultBase)
	cfg.Now, cfg.Logger = st.now, st.logger
	srv := &server{baseURL: strings.TrimSuffix(cfg.AppBaseURL, "/")}
	locales := LocaleConfig{}.withDefaults()
	if cfg.Domain == "" {
		if srv.idp, err = startDemoProvider(&cfg, srv.baseURL, locales.Locales); err != nil {
			return nil, err
		}
	}
	if srv.shared, err = sharing.connect(context.Background(), &cfg); err != nil {
		return nil, errors.Join(err, srv.Close())
	}
	app := appConfig{Locales: locales, BaseURL: srv.baseURL, Demo: srv.idp != nil, Logger: st.logger}
	ui, err := newPages(app)
	if err != nil {
		return nil, errors.Join(err, srv.Close())
	}
	cfg.ErrorPage = ui.errorPage
	client, err := authchain.New(cfg)
	if err != nil {
		return nil, errors.Join(err, srv.Close())
	}
	app.User, app.Protect, app.Auth = userClaims, client.RequireAuth, client.Middleware
	if srv.handler, err = newApp(app); err != nil {
		return nil, errors.Join(err, srv.Close())
	}
	return srv, nil
}

// startDemoProvider starts oidctest in login-form mode on a loopback port, registers the app
// (its callback, its home pages as places to return to after logout, and its back-channel
// logout route, which the provider calls when a session ends there) and points cfg at it.
// A secret for the cookies is generated unless AUTH0_SECRET gave one.
func startDemoProvider(cfg *authchain.Config, base string, locales []string) (*oidctest.Server, error) {
	cfg.ClientID = cmp.Or(cfg.ClientID, demoClientID)
	cfg.ClientSecret = cmp.Or(cfg.ClientSecret, randomHex())
	if cfg.Secret == "" {
		cfg.Secret = randomHex()
	}
	postLogout := []string{base + "/"}
	for _, loc := range locales {
		postLogout = append(postLogout, base+"/"+loc+"/")
	}
	idp, err := oidctest.New(oidctest.WithLoginForm(), oidctest.WithLoginFormSubject(demoSubject), oidctest.WithClient(oidctest.Client{
		ID:                     cfg.ClientID,
		Secret:                 cfg.ClientSecret,
		RedirectURIs:           []string{base + authchain.DefaultRoutes().Callback},
		PostLogoutRedirectURIs: postLogout,
		BackChannelLogoutURI:   base + authchain.DefaultRoutes().BackChannelLogout,
	}))
	if err != nil {
		return nil, err
	}
	if err := idp.Start("127.0.0.1:0"); err != nil {
		return nil, errors.Join(err, idp.Close())
	}
	cfg.Domain, cfg.AllowInsecureRequests = idp.Issuer(), true
	return idp, nil
}

// demoSubject is the sub the demo provider gives the user who logs in as name: "demo|" and the
// name in lower case, its runs of other characters than letters and digits made one hyphen
// ("Ada Lovelace" is demo|ada-lovelace), so that the same name is always the same user. A name
// without letters or digits is named by its hash.
func demoSubject(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			hyphen = false
		} else {
			hyphen = true
		}
	}
	if b.Len() == 0 {
		sum := sha256.Sum256([]byte(name))
		return "demo|" + hex.EncodeToString(sum[:8])
	}
	return "demo|" + b.String()
}

// randomHex returns 32 random bytes, hex-encoded.
func randomHex() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// userClaims returns the signed-in user's claims, nil when the request is signed out.
func userClaims(r *http.Request) map[string]any {
	if u, ok := authchain.UserFrom(r.Context()); ok {
		return u.Claims()
	}
	return nil
}

// Close closes the Redis client and stops the demo provider, if the app has them.
func (s *server) Close() error {
	err := s.shared.Close()
	if s.idp != nil {
		err = errors.Join(err, s.idp.Close())
	}
	return err
}
