package mw

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/session"
)

// nextTransactionFixture is a transaction cookie @auth0/nextjs-auth0 wrote
// (testdata/nextjs/fixtures).
type nextTransactionFixture struct {
	Secret  string `json:"secret"`
	Now     int64  `json:"now"`
	State   string `json:"state"`
	Cookies []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"cookies"`
	Payload struct {
		Nonce        string `json:"nonce"`
		MaxAge       int64  `json:"maxAge"`
		CodeVerifier string `json:"codeVerifier"`
		ReturnTo     string `json:"returnTo"`
		Scope        string `json:"scope"`
		Audience     string `json:"audience"`
	} `json:"payload"`
}

func readNextTransactionFixture(t *testing.T, name string) nextTransactionFixture {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "nextjs", "fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	var f nextTransactionFixture
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cookies) != 1 {
		t.Fatalf("%s: %d cookies, want 1", name, len(f.Cookies))
	}
	return f
}

// nextRoutes returns routes whose transaction store writes format and opens the JWE of secret.
func nextRoutes(t *testing.T, format TransactionFormat, secret string, now int64) *routes {
	t.Helper()
	rt := newRoutes(t)
	rt.clk.now = time.Unix(now, 0)
	codec, err := session.NewCodec(session.PurposeTransaction, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	jwe, err := session.NewJWECodec(secret)
	if err != nil {
		t.Fatal(err)
	}
	rt.txns = NewTransactionStore(TransactionStoreOptions{Codec: codec, JWE: jwe, Format: format, Now: rt.clk.Now})
	return rt
}

// A login a Next.js application started completes on authchain's callback, in either format,
// from the cookie of 4.30 ("%3A"), of 4.29 (a raw colon) and of 4.28 and before (no time).
func TestCallbackCompletesALoginTheNextJSPackageStarted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fixture string
		value   func(string) string
	}{
		{"transaction.json", func(v string) string { return v }},
		{"transaction.json", func(v string) string { return strings.Replace(v, "%3A", ":", 1) }},
		{"transaction-legacy.json", func(v string) string { return v }},
	} {
		for _, format := range []TransactionFormat{TransactionFormatSlots, TransactionFormatNextJS} {
			f := readNextTransactionFixture(t, tc.fixture)
			value := tc.value(f.Cookies[0].Value)
			t.Run(string(format)+" "+value[:12], func(t *testing.T) {
				t.Parallel()
				rt := nextRoutes(t, format, f.Secret, f.Now)
				b := newBrowser()
				b.cookies[f.Cookies[0].Name] = value
				b.cookies["__txn_"+f.State[:4]] = "other login"
				res := b.get(rt.callback(), callbackURL(url.Values{"code": {"c"}, "state": {f.State}}))
				if res.Code != http.StatusFound || res.Header().Get("Location") != f.Payload.ReturnTo {
					t.Fatalf("callback: %d to %q (%s), want 302 to %s", res.Code, res.Header().Get("Location"), res.Body, f.Payload.ReturnTo)
				}
				got := rt.idp.exchanges[0]
				if got.verifier != f.Payload.CodeVerifier || got.check.Nonce != f.Payload.Nonce ||
					got.check.MaxAge != time.Duration(f.Payload.MaxAge)*time.Second {
					t.Errorf("exchanged with %+v, want the login's verifier, nonce and max_age", got)
				}
				if rt.sessionOf(b) == nil {
					t.Error("no session was saved")
				}
				if _, ok := b.cookies[f.Cookies[0].Name]; ok {
					t.Error("the login's transaction cookie was not deleted")
				}
			})
		}
	}
}

func TestCallbackRefusesNextJSTransactionsItCannotComplete(t *testing.T) {
	t.Parallel()
	f := readNextTransactionFixture(t, "transaction.json")
	jwe, err := session.NewJWECodec(f.Secret)
	if err != nil {
		t.Fatal(err)
	}
	seal := func(members map[string]any) string {
		v, err := jwe.EncodeJWT(members, time.Unix(f.Now+3600, 0))
		if err != nil {
			t.Fatal(err)
		}
		return "1800000000%3A" + v
	}
	base := func() map[string]any {
		return map[string]any{"nonce": "n", "codeVerifier": "v", "responseType": "code", "state": f.State, "returnTo": "/"}
	}
	with := func(k string, v any) map[string]any { m := base(); m[k] = v; return m }
	for name, value := range map[string]string{
		"another state":       seal(with("state", "someone-else")),
		"connect_code":        seal(with("responseType", "connect_code")),
		"popup":               seal(with("challengeMode", "popup")),
		"another secret":      strings.Replace(f.Cookies[0].Value, "..", "..x", 1),
		"expired":             "1800000000%3A" + mustSeal(t, jwe, base(), time.Unix(f.Now-60, 0)),
		"maxAge not a number": seal(with("maxAge", "600")),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rt := nextRoutes(t, TransactionFormatNextJS, f.Secret, f.Now)
			b := newBrowser()
			b.cookies[f.Cookies[0].Name] = value
			res := b.get(rt.callback(), callbackURL(url.Values{"code": {"c"}, "state": {f.State}}))
			if res.Code != http.StatusBadRequest || len(rt.idp.exchanges) != 0 {
				t.Fatalf("callback: %d with %d exchanges, want 400 and none", res.Code, len(rt.idp.exchanges))
			}
			if _, ok := b.cookies[f.Cookies[0].Name]; ok {
				t.Error("the cookie named after the state was kept")
			}
		})
	}
}

func mustSeal(t *testing.T, jwe *session.JWECodec, members map[string]any, exp time.Time) string {
	t.Helper()
	v, err := jwe.EncodeJWT(members, exp)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// A returnTo the original kept as an absolute URL lands on its path, and one that is not safe
// on "/".
func TestNextReturnTo(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"https://app.example.com/dashboard?tab=2#x": "/dashboard?tab=2#x",
		"/dashboard":                    "/dashboard",
		"":                              "/",
		"https://app.example.com//evil": "/",
		"javascript:alert(1)":           "/",
		"//evil.example/":               "/",
	} {
		if got := nextReturnTo(raw); got != want {
			t.Errorf("nextReturnTo(%q) = %q, want %q", raw, got, want)
		}
	}
}

// In the format "nextjs" the login route writes the original's cookie: its name, value,
// attributes and the TransactionState's member names.
func TestLoginWritesTheNextJSTransactionCookie(t *testing.T) {
	t.Parallel()
	rt := nextRoutes(t, TransactionFormatNextJS, testSecret, 1_800_000_000)
	b := newBrowser()
	res := b.get(rt.login(), "/auth/login?returnTo=/welcome&audience=https://api.test&max_age=600")
	auth, _ := url.Parse(res.Header().Get("Location"))
	state := auth.Query().Get("state")
	lines := setCookies(res.Header(), "__txn_")
	if len(lines) != 1 {
		t.Fatalf("Set-Cookie %q, want one transaction cookie", lines)
	}
	for _, want := range []string{"__txn_" + state + "=1800000000%3AeyJ", "; Path=/", "; Max-Age=3600", "; HttpOnly", "; SameSite=Lax"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("Set-Cookie %q lacks %q", lines[0], want)
		}
	}
	jwe, _ := session.NewJWECodec(testSecret)
	plain, err := jwe.Open(strings.TrimPrefix(b.cookies["__txn_"+state], "1800000000%3A"))
	if err != nil {
		t.Fatal(err)
	}
	var members map[string]any
	if err := json.Unmarshal(plain, &members); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(members))
	for k := range members {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"audience", "codeVerifier", "exp", "maxAge", "nonce", "responseType", "returnTo", "scope", "state"}
	if !slices.Equal(keys, want) || members["responseType"] != "code" || members["state"] != state ||
		members["returnTo"] != "/welcome" || members["maxAge"] != 600.0 || members["exp"] != 1_800_003_600.0 ||
		members["nonce"] != auth.Query().Get("nonce") || members["audience"] != "https://api.test" {
		t.Errorf("TransactionState %v", members)
	}

	res = b.get(rt.callback(), callbackURL(url.Values{"code": {"c"}, "state": {state}}))
	if res.Code != http.StatusFound || res.Header().Get("Location") != "/welcome" || b.has("__txn_") {
		t.Errorf("callback: %d to %q, cookies %v", res.Code, res.Header().Get("Location"), b.cookies)
	}
}

// Logins started one after another in the format "nextjs" keep the transaction cookies under
// the original's cap: the oldest are deleted first, never the new one.
func TestNextJSTransactionsEvictTheOldest(t *testing.T) {
	t.Parallel()
	rt := nextRoutes(t, TransactionFormatNextJS, testSecret, 1_800_000_000)
	b := newBrowser()
	b.cookies["__txn_0"] = "1799999000.slot-login"
	var states []string
	for i := range 12 {
		rt.clk.now = rt.clk.now.Add(time.Second)
		auth := rt.startLogin(b, rt.login(), "returnTo=/tab/"+string(rune('a'+i)))
		states = append(states, auth.Get("state"))
		total := 0
		for name, value := range b.cookies {
			if strings.HasPrefix(name, "__txn_") {
				total += nextCookie{name: name, value: value}.size()
			}
		}
		if total >= MaxNextJSTransactionBytes {
			t.Fatalf("after %d logins the transaction cookies weigh %d bytes", i+1, total)
		}
		if _, ok := b.cookies["__txn_"+auth.Get("state")]; !ok {
			t.Fatalf("login %d: its own cookie is missing", i)
		}
	}
	if _, ok := b.cookies["__txn_0"]; ok {
		t.Error("the slot cookie, the oldest, was kept")
	}
	if _, ok := b.cookies["__txn_"+states[0]]; ok {
		t.Error("the first login's cookie was kept")
	}
	if _, ok := b.cookies["__txn_"+states[len(states)-2]]; !ok {
		t.Error("the previous login's cookie was evicted")
	}
	// Logging out deletes every one.
	b.get(rt.logout(), "/auth/logout")
	if b.has("__txn_") {
		t.Errorf("after logout: %v", b.cookies)
	}
}

// A request of many tiny transaction cookies gets a bounded number of deletions from the login
// and logout routes in the format "nextjs".
func TestNextJSTransactionDeletionsAreBounded(t *testing.T) {
	t.Parallel()
	rt := nextRoutes(t, TransactionFormatNextJS, testSecret, 1_800_000_000)
	b := newBrowser()
	for i := range 5000 {
		b.cookies["__txn_"+strconv.Itoa(i+10)] = "x"
	}
	for name, h := range map[string]http.Handler{"login": rt.login(), "logout": rt.logout()} {
		res := b.do(h, b.request(http.MethodGet, "/auth/"+name, nil))
		if n := len(res.Header().Values("Set-Cookie")); n > maxSweptTransactionCookies+1 {
			t.Errorf("%s: %d Set-Cookie lines", name, n)
		}
	}
}

// A callback whose state names a slot ("0", "1") leaves the login in progress in that slot
// alone: the cookie named after that state is the slot's.
func TestCallbackForASlotNamedStateKeepsTheSlot(t *testing.T) {
	t.Parallel()
	for _, format := range []TransactionFormat{TransactionFormatSlots, TransactionFormatNextJS} {
		rt := nextRoutes(t, format, testSecret, 1_800_000_000)
		b := newBrowser()
		h := http.Header{}
		if err := rt.txns.save(h, loginRequest(), &transaction{State: stateInSlot(t, 0), Nonce: "n", CodeVerifier: "v", ReturnTo: "/", MaxAge: -1}); err != nil {
			t.Fatal(err)
		}
		if format == TransactionFormatNextJS {
			b.cookies["__txn_0"] = "1800000000.slot-login"
		} else {
			b.apply(h)
		}
		res := b.get(rt.callback(), callbackURL(url.Values{"code": {"c"}, "state": {"0"}}))
		if res.Code != http.StatusBadRequest {
			t.Fatalf("%s: callback %d, want 400", format, res.Code)
		}
		if _, ok := b.cookies["__txn_0"]; !ok {
			t.Errorf("%s: the callback for state 0 deleted the login in slot 0", format)
		}
	}
}
