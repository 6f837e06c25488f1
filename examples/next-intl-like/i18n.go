package main

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// LocaleConfig configures Locales. The zero value serves English, French and German.
type LocaleConfig struct {
	// Locales are the supported locales as BCP 47 tags, each a path prefix ("/fr/…"); the
	// first is the default. Default: en, fr, de.
	Locales []string

	// CookieName is the cookie that remembers the visitor's locale. Default: NEXT_LOCALE.
	CookieName string

	// CookieMaxAge is how long the browser keeps the cookie. Default: one year.
	CookieMaxAge time.Duration

	// Unlocalised are the paths that pass through without a locale: a prefix ending in "/"
	// covers everything under it, any other entry exactly that path.
	// Default: /auth/, /static/, /api/, /favicon.ico.
	Unlocalised []string
}

// withDefaults returns c with its zero fields set to the defaults.
func (c LocaleConfig) withDefaults() LocaleConfig {
	if len(c.Locales) == 0 {
		c.Locales = []string{"en", "fr", "de"}
	}
	if c.CookieName == "" {
		c.CookieName = "NEXT_LOCALE"
	}
	if c.CookieMaxAge == 0 {
		c.CookieMaxAge = 365 * 24 * time.Hour
	}
	if c.Unlocalised == nil {
		c.Unlocalised = []string{"/auth/", "/static/", "/api/", "/favicon.ico"}
	}
	return c
}

// localeKey is the context key of the request's locale.
type localeKey struct{}

// LocaleFrom returns the locale Locales put in ctx, "" when there is none.
func LocaleFrom(ctx context.Context) string {
	loc, _ := ctx.Value(localeKey{}).(string)
	return loc
}

// Locales returns a middleware that gives every page a locale prefix, in the manner of
// next-intl. A request under "/{locale}/" carries the locale in its context (LocaleFrom) and
// refreshes the locale cookie when it differs. Any other path, except the unlocalised ones, is
// redirected (307) to the same path and query under the negotiated locale: the cookie's locale
// when it is supported, else the best match of Accept-Language, else the default.
//
// Locales panics when a configured locale is not a valid language tag.
func Locales(cfg LocaleConfig) func(http.Handler) http.Handler {
	return newLocalizer(cfg).middleware
}

// newLocalizer returns the localizer of cfg; it panics when a locale is not a language tag.
func newLocalizer(cfg LocaleConfig) *localizer {
	cfg = cfg.withDefaults()
	tags := make([]language.Tag, len(cfg.Locales))
	for i, loc := range cfg.Locales {
		tags[i] = language.MustParse(loc)
	}
	return &localizer{cfg: cfg, matcher: language.NewMatcher(tags)}
}

// localizer holds what Locales needs at request time.
type localizer struct {
	cfg     LocaleConfig
	matcher language.Matcher
}

func (l *localizer) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.unlocalised(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		loc, ok := l.prefix(r.URL.Path)
		if !ok {
			l.redirect(w, r)
			return
		}
		if c, err := r.Cookie(l.cfg.CookieName); err != nil || c.Value != loc {
			http.SetCookie(w, l.cookie(loc))
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), localeKey{}, loc)))
	})
}

// unlocalised reports whether path passes through without a locale.
func (l *localizer) unlocalised(path string) bool {
	for _, p := range l.cfg.Unlocalised {
		if path == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(path, p)) {
			return true
		}
	}
	return false
}

// prefix returns the supported locale path starts with ("/fr" or "/fr/…").
func (l *localizer) prefix(path string) (string, bool) {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return first, first != "" && slices.Contains(l.cfg.Locales, first)
}

// redirect sends r to its path and query under the negotiated locale.
func (l *localizer) redirect(w http.ResponseWriter, r *http.Request) {
	loc := l.negotiate(r)
	target := "/" + loc + r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	http.SetCookie(w, l.cookie(loc))
	w.Header().Add("Vary", "Accept-Language, Cookie")
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusTemporaryRedirect)
}

// negotiate picks the locale for a request without one in its path.
func (l *localizer) negotiate(r *http.Request) string {
	if c, err := r.Cookie(l.cfg.CookieName); err == nil && slices.Contains(l.cfg.Locales, c.Value) {
		return c.Value
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return l.cfg.Locales[0]
	}
	_, i, conf := l.matcher.Match(tags...)
	if conf == language.No {
		return l.cfg.Locales[0]
	}
	return l.cfg.Locales[i]
}

// cookie is the locale cookie for loc.
func (l *localizer) cookie(loc string) *http.Cookie {
	return &http.Cookie{
		Name:     l.cfg.CookieName,
		Value:    loc,
		Path:     "/",
		MaxAge:   int(l.cfg.CookieMaxAge / time.Second),
		SameSite: http.SameSiteLaxMode,
	}
}
