package docs_test

import (
	"fmt"
	"log"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/session"
)

// The session's lifetime and cookie are set in Config.Session.
func Example_sessionConfig() {
	cfg := authchain.Config{
		Session: authchain.SessionConfig{
			AbsoluteDuration:   30 * 24 * time.Hour, // 30 days
			InactivityDuration: 7 * 24 * time.Hour,  // 7 days
			Cookie: authchain.CookieConfig{
				Name:     "appSession",
				SameSite: http.SameSiteStrictMode,
			},
		},
	}
	tb := start(cfg, func(client *authchain.Client) http.Handler {
		return client.Middleware(http.NotFoundHandler())
	})
	defer tb.Close()

	for _, c := range tb.LoginCookies() {
		if strings.HasPrefix(c.Name, "__txn_") {
			continue // the login's transaction cookie, deleted
		}
		fmt.Printf("%s: Path=%s HttpOnly=%t SameSite=%s Max-Age=%s\n",
			c.Name, c.Path, c.HttpOnly, sameSite[c.SameSite], time.Duration(c.MaxAge)*time.Second)
	}
	// Output:
	// appSession: Path=/ HttpOnly=true SameSite=Strict Max-Age=168h0m0s
}

// A rolling session lives as long as it is used within the inactivity duration, up to the
// absolute duration; without rolling it ends at login + absolute duration.
func Example_rollingSession() {
	for _, rolling := range []bool{true, false} {
		cfg := authchain.Config{
			Session: authchain.SessionConfig{
				AbsoluteDuration:   3 * time.Hour,
				InactivityDuration: time.Hour,
				DisableRolling:     !rolling,
			},
		}
		tb := start(cfg, func(client *authchain.Client) http.Handler {
			mux := http.NewServeMux()
			mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, authchain.SessionFrom(r.Context()) != nil)
			})
			return client.Middleware(mux)
		})
		tb.Get("/auth/login")
		fmt.Printf("rolling %-5t:", rolling)
		for _, wait := range []time.Duration{50 * time.Minute, 50 * time.Minute, 70 * time.Minute, 20 * time.Minute} {
			tb.IdP.Advance(wait)
			_, _, signedIn := tb.Get("/")
			fmt.Printf(" +%s %s", wait, signedIn)
		}
		fmt.Println()
		tb.Close()
	}
	// Output:
	// rolling true : +50m0s true +50m0s true +1h10m0s false +20m0s false
	// rolling false: +50m0s true +50m0s true +1h10m0s true +20m0s false
}

// The expiry rules, as session.Lifetime computes them.
func Example_lifetime() {
	login := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	rolling := session.Lifetime{AbsoluteDuration: 72 * time.Hour, InactivityDuration: 24 * time.Hour}
	fixed := rolling
	fixed.DisableRolling = true
	for _, now := range []time.Time{login, login.Add(30 * time.Hour), login.Add(60 * time.Hour)} {
		fmt.Printf("written %s: rolling expires %s, not rolling %s\n", now.Format(time.DateTime),
			rolling.Expiry(login, now).Format(time.DateTime), fixed.Expiry(login, now).Format(time.DateTime))
	}

	// A rolling session is written again only once the threshold (default 60 s) has passed.
	l := rolling.WithDefaults()
	in := &session.Internal{CreatedAt: login, UpdatedAt: login, ExpiresAt: l.Expiry(login, login)}
	for _, after := range []time.Duration{30 * time.Second, 2 * time.Minute} {
		fmt.Printf("request %s after the write: write again %t\n", after, l.Due(in, login.Add(after)))
	}
	// Output:
	// written 2025-01-01 09:00:00: rolling expires 2025-01-02 09:00:00, not rolling 2025-01-04 09:00:00
	// written 2025-01-02 15:00:00: rolling expires 2025-01-03 15:00:00, not rolling 2025-01-04 09:00:00
	// written 2025-01-03 21:00:00: rolling expires 2025-01-04 09:00:00, not rolling 2025-01-04 09:00:00
	// request 30s after the write: write again false
	// request 2m0s after the write: write again true
}

// ConfigFromEnv reads the cookie settings from the original SDK's variables.
func Example_cookieEnvironment() {
	env := map[string]string{
		"AUTH0_COOKIE_DOMAIN":    "example.com",
		"AUTH0_COOKIE_PATH":      "/",
		"AUTH0_COOKIE_SECURE":    "true",
		"AUTH0_COOKIE_SAME_SITE": "lax",
		"AUTH0_COOKIE_TRANSIENT": "true",
	}
	cfg, err := authchain.ConfigFromLookup(func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	})
	if err != nil {
		log.Fatal(err)
	}
	c := cfg.Session.Cookie
	fmt.Printf("Domain=%s Path=%s Secure=%t SameSite=%s Transient=%t\n", c.Domain, c.Path, c.Secure, sameSite[c.SameSite], c.Transient)
	// Output:
	// Domain=example.com Path=/ Secure=true SameSite=Lax Transient=true
}

var sameSite = map[http.SameSite]string{
	http.SameSiteDefaultMode: "Default", http.SameSiteLaxMode: "Lax", http.SameSiteStrictMode: "Strict", http.SameSiteNoneMode: "None",
}

// A login started here can complete on a Next.js application's callback when its transaction
// cookie is the original's: __txn_<state>, holding "<unixSeconds>%3A<JWE>".
func Example_transactionCookieNextJS() {
	var cfg authchain.Config
	cfg.TransactionCookie.Format = mw.TransactionFormatNextJS // AUTH0_TRANSACTION_COOKIE_FORMAT=nextjs
	tb := start(cfg, func(client *authchain.Client) http.Handler {
		return client.Middleware(http.NotFoundHandler())
	})
	defer tb.Close()

	_, header, _ := tb.Fetch(http.MethodGet, "/auth/login")
	authorize, _ := url.Parse(header.Get("Location"))
	state := authorize.Query().Get("state")
	for _, c := range (&http.Response{Header: header}).Cookies() {
		stamp, jwe, _ := strings.Cut(c.Value, "%3A")
		fmt.Println(c.Name == "__txn_"+state, len(stamp), strings.Count(jwe, "."), c.MaxAge, c.HttpOnly, c.SameSite == http.SameSiteLaxMode)
	}
	// Output:
	// true 10 4 3600 true true
}
