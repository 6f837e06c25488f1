package main

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/mw"
	"github.com/justinas/alice"
)

// staticFS holds the stylesheet and the script of the profile page.
//
//go:embed static
var staticFS embed.FS

// appConfig is what the app's pages depend on; the zero value serves everyone as signed out.
type appConfig struct {
	Locales LocaleConfig
	// User returns the signed-in user's claims, nil when signed out. Nil: nobody is signed in.
	User func(*http.Request) map[string]any
	// Protect wraps the pages only signed-in users may see. Nil: they are not protected.
	Protect func(http.Handler) http.Handler
	// Auth is the authentication middleware, run in front of the locale middleware; the
	// headers it sets (the rolling session's cookies) reach every response, the locale
	// redirects included. Nil: none.
	Auth func(http.Handler) http.Handler
	// BaseURL is the app's external URL; logging out returns to the locale's home page under
	// it. Empty: the home page's path.
	BaseURL string
	// Demo says that sign-in goes to the demo provider started with the app.
	Demo   bool
	Logger *slog.Logger
}

// newApp returns the whole app: its routes behind the locale middleware, behind the
// authentication middleware when there is one.
func newApp(cfg appConfig) (http.Handler, error) {
	mux, err := routes(cfg)
	if err != nil {
		return nil, err
	}
	locales := Locales(cfg.Locales)
	if cfg.Auth == nil {
		return locales(mux), nil
	}
	return alice.New(mw.MergeHeaders(cfg.Auth, locales)).Then(mux), nil
}

// routes returns the app's routes, which expect the locale middleware in front of them. A
// path with no page gets the page "not found" (404) in the request's locale.
func routes(cfg appConfig) (*http.ServeMux, error) {
	p, err := newPages(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Protect == nil {
		cfg.Protect = func(h http.Handler) http.Handler { return h }
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	home, profile := p.page("home"), cfg.Protect(p.page("profile"))
	for _, loc := range p.locales {
		mux.Handle("GET /"+loc+"/{$}", home)
		mux.Handle("GET /"+loc+"/profile", profile)
	}
	mux.Handle("/", p.notFound())
	return mux, nil
}

// newPages returns the pages of cfg.
func newPages(cfg appConfig) (pages, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.User == nil {
		cfg.User = func(*http.Request) map[string]any { return nil }
	}
	rd, err := newRenderer(cfg.Logger)
	if err != nil {
		return pages{}, err
	}
	locales := cfg.Locales.withDefaults()
	return pages{rd: rd, user: cfg.User, locales: locales.Locales, negotiate: newLocalizer(locales).negotiate,
		baseURL: strings.TrimSuffix(cfg.BaseURL, "/"), demo: cfg.Demo}, nil
}

// pages renders the localised pages.
type pages struct {
	rd        *renderer
	user      func(*http.Request) map[string]any
	locales   []string                   // the first is the default
	negotiate func(*http.Request) string // the locale of a request outside the locales' paths
	baseURL   string                     // without a trailing slash
	demo      bool
}

// page returns the handler of one page. Every page shows who is signed in, so no cache may
// keep it: it answers Cache-Control: no-store.
func (p pages) page(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		p.rd.render(w, r, name, p.data(r))
	})
}

// notFound returns the handler of the paths without a page: 404 and the page "not found" in
// the request's locale, whose switcher shows the same path in the other locales.
func (p pages) notFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		p.rd.renderStatus(w, r, "notfound", http.StatusNotFound, p.data(r))
	})
}

// errorPage is the error page of the sign-in routes (authchain.Config.ErrorPage): the failure
// explained in the visitor's locale (the locale cookie's, or else Accept-Language's), with
// links to sign in again and to the locale's home page. A request that prefers JSON gets
// authchain's JSON answer.
func (p pages) errorPage(w http.ResponseWriter, r *http.Request, e authchain.ErrorPageData) {
	if mw.WantsJSON(r) {
		mw.DefaultErrorPage(w, r, e)
		return
	}
	d := p.dataIn(r, p.negotiate(r), "/")
	d.HomeURL = strings.TrimSuffix(e.HomeURL, "/") + d.HomeURL
	d.Problem = problem{Title: d.T.ErrorTitle, Text: d.T.errorText(e.Code), Code: e.Code, LoginURL: e.LoginURL}
	if e.Status == http.StatusBadGateway || e.Status == http.StatusServiceUnavailable {
		d.Problem.Title = d.T.UnavailableTitle
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	p.rd.renderStatus(w, r, "error", e.Status, d)
}

// data builds the page data of a request: in the locale of its path, or else the negotiated
// one.
func (p pages) data(r *http.Request) pageData {
	loc := LocaleFrom(r.Context())
	if loc == "" {
		return p.dataIn(r, p.negotiate(r), "/")
	}
	return p.dataIn(r, loc, strings.TrimPrefix(r.URL.Path, "/"+loc))
}

// dataIn builds the page data of a request in loc; the language switcher links to rest (a
// path starting with /) in every locale.
func (p pages) dataIn(r *http.Request, loc, rest string) pageData {
	d := pageData{
		Locale:     loc,
		T:          messagesFor(loc),
		User:       p.user(r),
		HomeURL:    "/" + loc + "/",
		ProfileURL: "/" + loc + "/profile",
		Demo:       p.demo,
	}
	d.LoginURL = "/auth/login?" + url.Values{"returnTo": {d.ProfileURL}}.Encode()
	d.LogoutURL = "/auth/logout?" + url.Values{"returnTo": {p.baseURL + d.HomeURL}}.Encode()
	for _, code := range p.locales {
		d.Switcher = append(d.Switcher, localeLink{
			Code:    code,
			Name:    messagesFor(code).Language,
			Href:    "/" + code + rest,
			Current: code == loc,
		})
	}
	return d
}
