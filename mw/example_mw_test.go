package mw_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/authchain/authchain/mw"
	"github.com/justinas/alice"
)

// exampleSession stands for authchain's session middleware: it sets its cookie, Vary and
// Cache-Control when the response starts.
func exampleSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&exampleSessionWriter{ResponseWriter: w}, r)
	})
}

type exampleSessionWriter struct {
	http.ResponseWriter
	done bool
}

func (w *exampleSessionWriter) WriteHeader(code int) {
	if !w.done {
		w.done = true
		w.Header().Add("Set-Cookie", "appSession=abc; Path=/; HttpOnly")
		w.Header().Add("Vary", "Cookie")
		w.Header().Set("Cache-Control", "no-store")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *exampleSessionWriter) Write(p []byte) (int, error) {
	if !w.done {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// exampleI18n stands for a locale middleware that redirects "/" itself.
func exampleI18n(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Vary", "Accept-Language")
		http.SetCookie(w, &http.Cookie{Name: "NEXT_LOCALE", Value: "en", Path: "/"})
		if r.URL.Path == "/" {
			http.Redirect(w, r, "/en/", http.StatusTemporaryRedirect)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func ExampleMergeHeaders() {
	page := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = io.WriteString(w, "hello")
	})
	h := alice.New(mw.MergeHeaders(exampleSession, exampleI18n)).Then(page)

	for _, path := range []string{"/", "/en/"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		res := rec.Result()
		fmt.Printf("%s %d Location=%q\n", path, res.StatusCode, res.Header.Get("Location"))
		fmt.Println("  Set-Cookie:", strings.Join(res.Header.Values("Set-Cookie"), " | "))
		fmt.Println("  Vary:", res.Header.Values("Vary"))
		fmt.Println("  Cache-Control:", res.Header.Values("Cache-Control"))
	}
	// Output:
	// / 307 Location="/en/"
	//   Set-Cookie: NEXT_LOCALE=en; Path=/ | appSession=abc; Path=/; HttpOnly
	//   Vary: [Accept-Language, Cookie]
	//   Cache-Control: [no-store]
	// /en/ 200 Location=""
	//   Set-Cookie: NEXT_LOCALE=en; Path=/ | appSession=abc; Path=/; HttpOnly
	//   Vary: [Accept-Language, Cookie]
	//   Cache-Control: [no-store]
}

func ExampleRequireAuth() {
	signedIn := func(r *http.Request) bool {
		_, err := r.Cookie("appSession")
		return err == nil
	}
	profile := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "your profile")
	})
	h := mw.RequireAuth(mw.RequireAuthOptions{SignedIn: signedIn})(profile)

	navigation := httptest.NewRequest(http.MethodGet, "/en/profile?tab=email", nil)
	navigation.Header.Set("Sec-Fetch-Mode", "navigate")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, navigation)
	fmt.Println(rec.Code, rec.Header().Get("Location"))

	api := httptest.NewRequest(http.MethodGet, "/api/me", nil)
	api.Header.Set("Accept", "application/json")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, api)
	fmt.Println(rec.Code, rec.Body)

	navigation.AddCookie(&http.Cookie{Name: "appSession", Value: "abc"})
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, navigation)
	fmt.Println(rec.Code, rec.Header().Get("Cache-Control"), rec.Body)
	// Output:
	// 302 /auth/login?returnTo=%2Fen%2Fprofile%3Ftab%3Demail
	// 401 {"error":"not_authenticated","description":"The user does not have an active session or is not authenticated"}
	// 200 private, no-store your profile
}
