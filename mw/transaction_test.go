package mw

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/session"
)

func newTransactions(t *testing.T, clk *fixedClock) *TransactionStore {
	t.Helper()
	codec, err := session.NewCodec(session.PurposeTransaction, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return NewTransactionStore(TransactionStoreOptions{Codec: codec, Now: clk.Now})
}

func withCookies(h http.Header) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/auth/callback", nil)
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.MaxAge >= 0 {
			r.AddCookie(c)
		}
	}
	return r
}

func TestTransactionRoundTripAndExpiry(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	ts := newTransactions(t, clk)
	h := http.Header{}
	if err := ts.Save(h, httptest.NewRequest(http.MethodGet, "/", nil), &Transaction{State: "s1", Nonce: "n", CodeVerifier: "v", ReturnTo: "/x", MaxAge: -1}); err != nil {
		t.Fatal(err)
	}
	line := h.Get("Set-Cookie")
	for _, want := range []string{"__txn_s1=1800000000.", "Path=/", "Max-Age=3600", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(line, want) {
			t.Errorf("transaction cookie lacks %q: %.60s", want, line)
		}
	}
	r := withCookies(h)
	if txn, ok := ts.Load(r, "s1"); !ok || txn.ReturnTo != "/x" || txn.CodeVerifier != "v" {
		t.Fatalf("Load = %+v, %v", txn, ok)
	}
	if _, ok := ts.Load(r, "s2"); ok {
		t.Error("a transaction opened under another state")
	}
	clk.now = clk.now.Add(time.Hour)
	if _, ok := ts.Load(r, "s1"); ok {
		t.Error("a transaction an hour old still opens")
	}
}

func TestTransactionRefusesAMovedCookie(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	ts := newTransactions(t, clk)
	h := http.Header{}
	_ = ts.Save(h, httptest.NewRequest(http.MethodGet, "/", nil), &Transaction{State: "s1"})
	value := (&http.Response{Header: h}).Cookies()[0].Value
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: "__txn_s2", Value: value})
	if _, ok := ts.Load(r, "s2"); ok {
		t.Error("a transaction cookie copied under another state's name opened")
	}
}

func TestTransactionEvictsTheOldest(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	ts := newTransactions(t, clk)
	jar := http.Header{}
	var states []string
	for i := range 12 {
		clk.now = clk.now.Add(time.Second)
		state := strings.Repeat(string(rune('a'+i)), 43)
		states = append(states, state)
		h := http.Header{}
		r := withCookies(jar)
		if err := ts.Save(h, r, &Transaction{State: state, ReturnTo: "/"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range (&http.Response{Header: h}).Cookies() {
			deleteFrom(jar, c.Name)
			if c.MaxAge >= 0 {
				jar.Add("Set-Cookie", c.String())
			}
		}
		total := 0
		for _, c := range (&http.Response{Header: jar}).Cookies() {
			total += len(c.Name) + 1 + len(c.Value)
		}
		if total >= MaxTransactionBytes {
			t.Fatalf("after %d logins the transaction cookies hold %d bytes", i+1, total)
		}
	}
	r := withCookies(jar)
	if _, ok := ts.Load(r, states[len(states)-1]); !ok {
		t.Error("the newest login was evicted")
	}
	if _, ok := ts.Load(r, states[0]); ok {
		t.Error("the oldest login survived")
	}
}

func deleteFrom(jar http.Header, name string) {
	var keep []string
	for _, line := range jar.Values("Set-Cookie") {
		if !strings.HasPrefix(line, name+"=") {
			keep = append(keep, line)
		}
	}
	jar["Set-Cookie"] = keep
}
