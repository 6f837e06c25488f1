package mw

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/internal/nextjstest"
)

// runNextScript runs the package's script (see nextjstest.Run) and decodes its output into out.
func runNextScript(t *testing.T, mode string, request, out any) {
	t.Helper()
	if err := json.Unmarshal(nextjstest.Run(t, mode, request), out); err != nil {
		t.Fatal(err)
	}
}

// jsCookie is a cookie as nextjs.mjs takes and gives it.
type jsCookie struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// nextSave has the package's TransactionStore.save write txn for a login whose request
// carries cookies; it returns the cookies written and the names deleted.
func nextSave(t *testing.T, now int64, txn map[string]any, cookies []jsCookie) (written []jsCookie, deleted []string) {
	t.Helper()
	var out struct {
		Cookies []jsCookie `json:"cookies"`
		Deleted []string   `json:"deleted"`
	}
	runNextScript(t, "write", map[string]any{"kind": "transaction", "secret": testSecret, "now": now, "transaction": txn, "cookies": cookies}, &out)
	return out.Cookies, out.Deleted
}

// A login the package started completes on authchain's callback, in either format.
func TestNextInteropTransactionNextWritesGoCompletes(t *testing.T) {
	t.Parallel()
	const now = 1_800_000_000
	txn := map[string]any{
		"nonce": "n-interop", "maxAge": 0, "codeVerifier": "verifier-interop-0123456789abcdefghijklmnop",
		"responseType": "code", "state": "state-interop-4f1c9a", "returnTo": "/orders?id=7",
		"scope": "openid profile email", "audience": "https://api.test",
	}
	written, _ := nextSave(t, now, txn, nil)
	if len(written) != 1 || written[0].Name != "__txn_state-interop-4f1c9a" {
		t.Fatalf("the package wrote %v", written)
	}
	for _, format := range []TransactionFormat{TransactionFormatSlots, TransactionFormatNextJS} {
		rt := nextRoutes(t, format, testSecret, now)
		b := newBrowser()
		b.cookies[written[0].Name] = written[0].Value
		res := b.get(rt.callback(), callbackURL(url.Values{"code": {"c"}, "state": {"state-interop-4f1c9a"}}))
		if res.Code != http.StatusFound || res.Header().Get("Location") != "/orders?id=7" {
			t.Fatalf("%s: callback %d to %q (%s)", format, res.Code, res.Header().Get("Location"), res.Body)
		}
		got := rt.idp.exchanges[0]
		if got.verifier != txn["codeVerifier"] || got.check.Nonce != txn["nonce"] || got.check.MaxAge != 0 {
			t.Errorf("%s: exchanged with %+v", format, got)
		}
		if b.has("__txn_") {
			t.Errorf("%s: cookies left %v", format, b.cookies)
		}
	}
}

// The package's TransactionStore reads the cookie authchain's login writes in the format
// "nextjs", as its callback would.
func TestNextInteropTransactionGoWritesNextReads(t *testing.T) {
	t.Parallel()
	now := time.Now().Unix()
	rt := nextRoutes(t, TransactionFormatNextJS, testSecret, now)
	b := newBrowser()
	auth := rt.startLogin(b, rt.login(), "returnTo=/welcome&audience=https://api.test&max_age=60")
	state := auth.Get("state")
	var out struct {
		Payload map[string]any `json:"payload"`
	}
	runNextScript(t, "read", map[string]any{
		"kind": "transaction", "secret": testSecret, "state": state,
		"cookies": []jsCookie{{Name: "__txn_" + state, Value: b.cookies["__txn_"+state]}},
	}, &out)
	p := out.Payload
	if p == nil {
		t.Fatal("@auth0/nextjs-auth0 read no transaction")
	}
	if p["state"] != state || p["nonce"] != auth.Get("nonce") || p["responseType"] != "code" || p["returnTo"] != "/welcome" ||
		p["maxAge"] != 60.0 || p["audience"] != "https://api.test" || p["scope"] != auth.Get("scope") ||
		s256(p["codeVerifier"].(string)) != auth.Get("code_challenge") || p["exp"] != float64(now+3600) {
		t.Errorf("the package read %v", p)
	}
}

// authchain's login evicts the same transaction cookies as the package's, from the same
// request: the oldest by their time, those without one first, never the login's own.
func TestNextInteropTransactionEvictionMatches(t *testing.T) {
	t.Parallel()
	const now = 1_800_000_000
	rt := nextRoutes(t, TransactionFormatNextJS, testSecret, now)
	returnTo := "/r/" + strings.Repeat("x", 150)
	var jar []jsCookie
	for i := range 6 {
		rt.clk.now = time.Unix(now-int64(600-i*60), 0)
		h := http.Header{}
		state := "state-" + strconv.Itoa(5-i) + "-padding-to-the-length-of-a-state"
		if err := rt.txns.save(h, loginRequest(), &transaction{State: state, Nonce: "n", CodeVerifier: "v", ReturnTo: returnTo, MaxAge: -1}); err != nil {
			t.Fatal(err)
		}
		for _, c := range (&http.Response{Header: h}).Cookies() {
			jar = append(jar, jsCookie{Name: c.Name, Value: c.Value})
		}
	}
	jar = append(jar, jsCookie{Name: "__txn_1", Value: "1799999000.a-slot-login"})
	rt.clk.now = time.Unix(now, 0)
	txn := &transaction{State: "state-new-padding-to-the-length-of-a-state", Nonce: "n", CodeVerifier: "v", ReturnTo: returnTo, MaxAge: -1}

	_, nextDeleted := nextSave(t, now, map[string]any{
		"nonce": "n", "codeVerifier": "v", "responseType": "code", "state": txn.State, "returnTo": returnTo,
	}, jar)
	r := loginRequest()
	for _, c := range jar {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	h := http.Header{}
	if err := rt.txns.save(h, r, txn); err != nil {
		t.Fatal(err)
	}
	var goDeleted []string
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.MaxAge < 0 {
			goDeleted = append(goDeleted, c.Name)
		}
	}
	slices.Sort(nextDeleted)
	slices.Sort(goDeleted)
	if len(nextDeleted) < 2 || !slices.Equal(goDeleted, nextDeleted) {
		t.Errorf("authchain evicted %v, the package %v", goDeleted, nextDeleted)
	}
}

// loginRequest returns a request to the login route without cookies.
func loginRequest() *http.Request {
	r, _ := http.NewRequest(http.MethodGet, testAppURL+"/auth/login", nil)
	return r
}
