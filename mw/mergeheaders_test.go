package mw

import (
	"bufio"
	"compress/gzip"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"slices"
	"strings"
	"testing"

	"github.com/justinas/alice"
)

// Set-Cookie lines the test middlewares emit.
const (
	mhTxnStale = "__txn_stale=; Path=/; Max-Age=0"
	mhSession  = "appSession=s1; Path=/; HttpOnly"
	mhLocale   = "NEXT_LOCALE=en; Path=/"
	mhPublic   = "public, max-age=3600"
)

// mhAuth simulates authchain's session middleware. It answers /auth/ routes itself; otherwise it
// sets X-Auth and a cookie deleting a stale transaction before calling next, and the session
// cookie, Cache-Control: no-store and Vary: Cookie either before next too (mode "eager") or when
// the response starts, through its own writer, adding them ("commit-add") or replacing what is
// there with Set ("commit-set").
func mhAuth(mode string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/auth/") {
				w.Header().Add("Set-Cookie", "__txn_abc=t")
				w.Header().Set("Location", "https://idp.test/authorize")
				w.WriteHeader(http.StatusFound)
				return
			}
			w.Header().Set("X-Auth", "eager")
			w.Header().Add("Set-Cookie", mhTxnStale)
			if mode == "eager" {
				mhSessionHeaders(w.Header(), false)
				next.ServeHTTP(w, r)
				return
			}
			aw := &mhAuthWriter{ResponseWriter: w, clobber: mode == "commit-set"}
			next.ServeHTTP(aw, r)
			if !aw.committed {
				aw.commit()
			}
		})
	}
}

// mhSessionHeaders adds (or, with clobber, sets) the session's headers.
func mhSessionHeaders(h http.Header, clobber bool) {
	if clobber {
		h.Set("Set-Cookie", mhSession)
		h.Set("Vary", "Cookie")
	} else {
		h.Add("Set-Cookie", mhSession)
		h.Add("Vary", "Cookie")
	}
	h.Set("Cache-Control", "no-store")
}

// mhAuthWriter commits the session when the response starts.
type mhAuthWriter struct {
	http.ResponseWriter
	clobber, committed bool
}

func (w *mhAuthWriter) commit() {
	w.committed = true
	mhSessionHeaders(w.Header(), w.clobber)
}

func (w *mhAuthWriter) WriteHeader(code int) {
	if !w.committed {
		w.commit()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *mhAuthWriter) Write(p []byte) (int, error) {
	if !w.committed {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

func (w *mhAuthWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// mhI18n simulates a locale middleware: Vary: Accept-Language and a locale cookie on everything,
// "/" redirected to "/en/" and "/xx/…" answered 404 by itself.
func mhI18n(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Language")
		w.Header().Add("Set-Cookie", mhLocale)
		switch {
		case r.URL.Path == "/":
			w.Header().Set("Location", "/en/")
			w.WriteHeader(http.StatusTemporaryRedirect)
		case strings.HasPrefix(r.URL.Path, "/xx/"):
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Cache-Control", "public, max-age=60")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, "no such locale")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// mhGzip compresses the response through its own writer.
func mhGzip(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		gw := &mhGzipWriter{ResponseWriter: w}
		next.ServeHTTP(gw, r)
		if gw.zw != nil {
			_ = gw.zw.Close()
		}
	})
}

type mhGzipWriter struct {
	http.ResponseWriter
	zw    *gzip.Writer
	wrote bool
}

func (w *mhGzipWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Del("Content-Length")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *mhGzipWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.zw == nil {
		w.zw = gzip.NewWriter(w.ResponseWriter)
	}
	return w.zw.Write(p)
}

// mhRecorder runs next into a recorder, then copies its headers with Set, its status and body.
func mhRecorder(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header().Set(k, v[0])
			for _, more := range v[1:] {
				w.Header().Add(k, more)
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// mhChain composes middlewares, the first outermost.
func mhChain(mws ...alice.Constructor) func(http.Handler) http.Handler {
	return alice.New(mws...).Then
}

// mhPage is a page that allows public caching.
func mhPage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", mhPublic)
	_, _ = io.WriteString(w, "<p>page</p>")
}

// mhWant is the response a case expects.
type mhWant struct {
	status                 int
	location, cacheControl string
	xAuth, contentEncoding string
	cookies, vary          []string // compared as sets, each exactly once
	body                   string
}

func TestMergeHeaders(t *testing.T) {
	t.Parallel()
	all := []string{mhTxnStale, mhLocale, mhSession}
	both := []string{"Accept-Language", "Cookie"}
	cases := []struct {
		name    string
		second  func(http.Handler) http.Handler
		handler http.HandlerFunc
		path    string
		want    mhWant
	}{{
		name: "first answers its own route", second: mhI18n, handler: mhPage, path: "/auth/login",
		want: mhWant{status: http.StatusFound, location: "https://idp.test/authorize", cookies: []string{"__txn_abc=t"}},
	}, {
		name: "second redirects by itself", second: mhI18n, handler: mhPage, path: "/",
		want: mhWant{status: http.StatusTemporaryRedirect, location: "/en/", cookies: all, vary: both, cacheControl: "no-store", xAuth: "eager"},
	}, {
		name: "second writes a page by itself", second: mhI18n, handler: mhPage, path: "/xx/",
		want: mhWant{status: http.StatusNotFound, cookies: all, vary: both, cacheControl: "no-store", xAuth: "eager", body: "no such locale"},
	}, {
		name: "passed through to a public page", second: mhI18n, handler: mhPage, path: "/en/",
		want: mhWant{status: http.StatusOK, cookies: all, vary: both, cacheControl: "no-store", xAuth: "eager", body: "<p>page</p>"},
	}, {
		name: "handler deletes and overwrites first's headers", second: mhI18n, path: "/en/",
		handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Del("Set-Cookie")
			w.Header().Set("X-Auth", "app")
			w.Header().Set("Vary", "Accept-Encoding")
			w.Header().Set("Cache-Control", mhPublic)
			w.WriteHeader(http.StatusAccepted)
		},
		want: mhWant{status: http.StatusAccepted, cookies: []string{mhTxnStale, mhSession}, vary: []string{"Accept-Encoding", "Cookie"}, cacheControl: "no-store", xAuth: "eager"},
	}, {
		name: "a cookie the app names itself wins", second: mhI18n, path: "/en/",
		handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Del("Set-Cookie")
			http.SetCookie(w, &http.Cookie{Name: "__txn_stale", Value: "kept"})
			http.SetCookie(w, &http.Cookie{Name: "appSession", Value: "app"})
		},
		want: mhWant{status: http.StatusOK, cookies: []string{"__txn_stale=kept", "appSession=app"}, vary: both, cacheControl: "no-store", xAuth: "eager"},
	}, {
		name: "through second's gzip writer", second: mhChain(mhI18n, mhGzip), handler: mhPage, path: "/en/",
		want: mhWant{status: http.StatusOK, cookies: all, vary: []string{"Accept-Encoding", "Accept-Language", "Cookie"}, cacheControl: "no-store", xAuth: "eager", contentEncoding: "gzip", body: "<p>page</p>"},
	}, {
		name: "through second's recorder that copies with Set", second: mhChain(mhRecorder, mhI18n), path: "/en/",
		handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Set-Cookie", "theme=dark")
			mhPage(w, r)
		},
		want: mhWant{status: http.StatusOK, cookies: append(slices.Clone(all), "theme=dark"), vary: both, cacheControl: "no-store", xAuth: "eager", body: "<p>page</p>"},
	}, {
		name: "handler only writes", second: mhI18n, path: "/en/",
		handler: func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "hi") },
		want:    mhWant{status: http.StatusOK, cookies: all, vary: both, cacheControl: "no-store", xAuth: "eager", body: "hi"},
	}, {
		name: "handler writes nothing", second: mhI18n, path: "/en/",
		handler: func(http.ResponseWriter, *http.Request) {},
		want:    mhWant{status: http.StatusOK, cookies: all, vary: both, cacheControl: "no-store", xAuth: "eager"},
	}}
	for _, mode := range []string{"commit-add", "commit-set", "eager"} {
		for _, tc := range cases {
			t.Run(mode+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				h := MergeHeaders(mhAuth(mode), tc.second)(tc.handler)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
				mhCheck(t, rec.Result(), tc.want)
			})
		}
	}
}

// mhCheck compares a response with what a case expects.
func mhCheck(t *testing.T, res *http.Response, want mhWant) {
	t.Helper()
	if res.StatusCode != want.status {
		t.Errorf("status = %d, want %d", res.StatusCode, want.status)
	}
	for _, f := range []struct{ key, want string }{
		{"Location", want.location},
		{"Cache-Control", want.cacheControl},
		{"X-Auth", want.xAuth},
		{"Content-Encoding", want.contentEncoding},
	} {
		got := res.Header.Values(f.key)
		if (f.want == "" && len(got) != 0) || (f.want != "" && !slices.Equal(got, []string{f.want})) {
			t.Errorf("%s = %q, want %q", f.key, got, f.want)
		}
	}
	mhSameSet(t, "Set-Cookie", res.Header.Values("Set-Cookie"), want.cookies)
	vary := res.Header.Values("Vary")
	if len(vary) > 1 {
		t.Errorf("Vary in %d fields %q, want one", len(vary), vary)
	}
	mhSameSet(t, "Vary", mhSplit(vary), want.vary)
	if body := mhBody(t, res); body != want.body {
		t.Errorf("body = %q, want %q", body, want.body)
	}
}

// mhSameSet checks that got holds each of want exactly once and nothing else.
func mhSameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(g, w) {
		t.Errorf("%s = %q, want %q", what, g, w)
	}
}

// mhSplit returns the comma-separated tokens of field values.
func mhSplit(values []string) []string {
	var out []string
	for _, v := range values {
		for tok := range strings.SplitSeq(v, ",") {
			out = append(out, strings.TrimSpace(tok))
		}
	}
	return out
}

// mhBody reads a response body, decompressing it when it is gzip-encoded.
func mhBody(t *testing.T, res *http.Response) string {
	t.Helper()
	var r io.Reader = res.Body
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return string(b)
}

func TestMergeHeadersFlushStartsTheMergedResponse(t *testing.T) {
	t.Parallel()
	flushes := map[string]func(http.ResponseWriter) error{
		"ResponseController": func(w http.ResponseWriter) error { return http.NewResponseController(w).Flush() },
		"http.Flusher": func(w http.ResponseWriter) error {
			f, ok := w.(http.Flusher)
			if !ok {
				return errors.New("not an http.Flusher")
			}
			f.Flush()
			return nil
		},
	}
	for name, flush := range flushes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := MergeHeaders(mhAuth("commit-add"), mhI18n)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Cache-Control", mhPublic)
				if err := flush(w); err != nil {
					t.Errorf("Flush: %v", err)
				}
				w.Header().Set("X-Late", "ignored")
			}))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/en/", nil))
			if !rec.Flushed {
				t.Error("the server's writer was not flushed")
			}
			res := rec.Result()
			mhCheck(t, res, mhWant{status: http.StatusOK, cookies: []string{mhTxnStale, mhLocale, mhSession},
				vary: []string{"Accept-Language", "Cookie"}, cacheControl: "no-store", xAuth: "eager"})
			if res.Header.Get("X-Late") != "" {
				t.Error("a header set after the flush reached the response")
			}
		})
	}
}

func TestMergeHeadersLeavesTheWritersHeaders(t *testing.T) {
	t.Parallel()
	first := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for k, v := range map[string]string{"Content-Type": "text/plain", "Location": "/first", "Content-Encoding": "br", "X-Frame-Options": "DENY"} {
				w.Header().Set(k, v)
			}
			next.ServeHTTP(w, r)
		})
	}
	h := MergeHeaders(first, mhI18n)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Del("Content-Encoding")
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Location", "/second")
		w.Header().Set("X-Frame-Options", "SAMEORIGIN")
		w.WriteHeader(http.StatusSeeOther)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/en/", nil))
	res := rec.Result()
	for k, want := range map[string]string{"Content-Type": "text/html", "Location": "/second", "Content-Encoding": "", "X-Frame-Options": "DENY"} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

// mhHijackWriter is a server writer that records a Hijack.
type mhHijackWriter struct {
	*httptest.ResponseRecorder
	hijacked bool
}

func (w *mhHijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.hijacked = true
	return nil, nil, errors.New("test connection")
}

func TestMergeHeadersHijackReachesTheServerWriter(t *testing.T) {
	t.Parallel()
	h := MergeHeaders(mhAuth("commit-add"), mhI18n)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if _, _, err := http.NewResponseController(w).Hijack(); err == nil || err.Error() != "test connection" {
			t.Errorf("Hijack error = %v, want the server writer's", err)
		}
	}))
	w := &mhHijackWriter{ResponseRecorder: httptest.NewRecorder()}
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/en/", nil))
	if !w.hijacked {
		t.Error("Hijack did not reach the server's writer")
	}
}

func TestMergeHeadersNested(t *testing.T) {
	t.Parallel()
	setter := func(key, value string) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set(key, value)
				next.ServeHTTP(w, r)
			})
		}
	}
	inner := MergeHeaders(setter("X-A", "a"), setter("X-B", "b"))
	h := MergeHeaders(inner, setter("X-C", "c"))(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Del("X-A")
		w.Header().Del("X-B")
		w.Header().Set("Vary", "Origin")
		w.WriteHeader(http.StatusNoContent)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	res := rec.Result()
	for k, want := range map[string]string{"X-A": "a", "X-B": "b", "X-C": "c", "Vary": "Origin"} {
		if got := res.Header.Values(k); !slices.Equal(got, []string{want}) {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

func TestMergeHeadersOverTheWire(t *testing.T) {
	t.Parallel()
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</app.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		mhPage(w, r)
	})
	chain := alice.New(MergeHeaders(mhAuth("commit-add"), mhChain(mhI18n, mhGzip))).Then(handler)
	srv := httptest.NewServer(chain)
	t.Cleanup(srv.Close)

	var hints int
	trace := &httptrace.ClientTrace{Got1xxResponse: func(int, textproto.MIMEHeader) error {
		hints++
		return nil
	}}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(t.Context(), trace), http.MethodGet, srv.URL+"/en/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	if hints != 1 {
		t.Errorf("got %d early hints responses, want 1", hints)
	}
	mhCheck(t, res, mhWant{status: http.StatusOK, cookies: []string{mhTxnStale, mhLocale, mhSession},
		vary: []string{"Accept-Encoding", "Accept-Language", "Cookie"}, cacheControl: "no-store",
		xAuth: "eager", contentEncoding: "gzip", body: "<p>page</p>"})
}

func TestMergeHeadersPanicsWithoutMiddlewares(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("MergeHeaders(nil, …) did not panic")
		}
	}()
	MergeHeaders(nil, mhI18n)
}

func TestCacheRankStricter(t *testing.T) {
	t.Parallel()
	cases := []struct{ strict, loose string }{
		{"no-store", mhPublic},
		{"no-store", "no-cache"},
		{"no-cache", "private, max-age=60"},
		{"private, max-age=3600", "max-age=0"},
		{"max-age=60", "max-age=3600"},
		{"max-age=3600", "public, max-age=3600"},
		{"max-age=3600", ""},
		{"private", `no-cache="Set-Cookie"`},
		{"NO-STORE", "Private"},
		{"no-cache, private", "no-cache"},
	}
	for _, tc := range cases {
		strict, loose := cacheRankOf([]string{tc.strict}), cacheRankOf([]string{tc.loose})
		if !strict.stricterThan(loose) || loose.stricterThan(strict) {
			t.Errorf("%q should be stricter than %q", tc.strict, tc.loose)
		}
	}
	if a, b := cacheRankOf([]string{"no-store"}), cacheRankOf([]string{"private, no-store"}); a.stricterThan(b) || b.stricterThan(a) {
		t.Error("no-store and private, no-store should rank the same")
	}
}

func TestMergeVary(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b []string
		want []string
	}{
		{[]string{"Accept-Language"}, []string{"Cookie"}, []string{"Accept-Language, Cookie"}},
		{[]string{"accept-language, Cookie", "Origin"}, []string{"Cookie, Accept-Language"}, []string{"accept-language, Cookie, Origin"}},
		{nil, []string{"Cookie"}, []string{"Cookie"}},
		{[]string{"Origin"}, []string{"*"}, []string{"*"}},
		{nil, []string{" , "}, nil},
	}
	for _, tc := range cases {
		if got := mergeVary(tc.a, tc.b); !slices.Equal(got, tc.want) {
			t.Errorf("mergeVary(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestMergeCookies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		dst, add []string
		app      map[string]bool
		want     []string
	}{
		{"appended", []string{"a=1"}, []string{"b=2; Path=/"}, nil, []string{"a=1", "b=2; Path=/"}},
		{"same name and value once", []string{"a=1; Path=/"}, []string{"a=1; Path=/; HttpOnly"}, nil, []string{"a=1; Path=/"}},
		{"first's own cookie of a name kept next to its other value", []string{"a=1"}, []string{"a=2"}, nil, []string{"a=1", "a=2"}},
		{"a name the app set wins", []string{"a=app"}, []string{"a=first"}, map[string]bool{"a": true}, []string{"a=app"}},
		{"unparsable lines compared whole", []string{"junk"}, []string{" junk ", "more junk"}, nil, []string{"junk", "more junk"}},
	}
	for _, tc := range cases {
		if got := mergeCookies(tc.dst, tc.add, tc.app); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
