package main

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
)

// templateFS holds the page templates; every page is rendered inside layout.html.
//
//go:embed templates/*.html
var templateFS embed.FS

// pageData is what every template sees.
type pageData struct {
	Locale     string
	T          messages
	User       map[string]any // the signed-in user's claims; nil when signed out
	Switcher   []localeLink
	HomeURL    string
	ProfileURL string
	LoginURL   string // logs in and comes back to the profile page
	LogoutURL  string // logs out and comes back to the home page
	Demo       bool   // sign-in goes to the demo provider
	Problem    problem
}

// problem is what the error page shows of a failed sign-in.
type problem struct {
	Title, Text, Code string
	LoginURL          string // starts the sign-in again, with the failed one's returnTo
}

// localeLink is one entry of the language switcher: the current page in another locale.
type localeLink struct {
	Code, Name, Href string
	Current          bool
}

// Claim returns one of the user's claims as text, "" when it is absent.
func (p pageData) Claim(name string) string {
	v, ok := p.User[name]
	if !ok || v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// renderer renders the pages, each parsed once with the layout.
type renderer struct {
	pages  map[string]*template.Template
	logger *slog.Logger
}

// newRenderer parses the embedded templates.
func newRenderer(logger *slog.Logger) (*renderer, error) {
	rd := &renderer{pages: map[string]*template.Template{}, logger: logger}
	for _, name := range []string{"home", "profile", "error", "notfound"} {
		t, err := template.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse %s page: %w", name, err)
		}
		rd.pages[name] = t
	}
	return rd, nil
}

// render writes page with data and the status 200; a template error becomes a 500 and a log
// entry.
func (rd *renderer) render(w http.ResponseWriter, r *http.Request, page string, data pageData) {
	rd.renderStatus(w, r, page, http.StatusOK, data)
}

// renderStatus writes page with data and status; a template error becomes a 500 and a log
// entry.
func (rd *renderer) renderStatus(w http.ResponseWriter, r *http.Request, page string, status int, data pageData) {
	var buf bytes.Buffer
	t, ok := rd.pages[page]
	if !ok {
		rd.fail(w, r, fmt.Errorf("no page %q", page))
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		rd.fail(w, r, fmt.Errorf("render %s page: %w", page, err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", data.Locale)
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

func (rd *renderer) fail(w http.ResponseWriter, r *http.Request, err error) {
	rd.logger.ErrorContext(r.Context(), "page failed", "path", r.URL.Path, "err", err)
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}
