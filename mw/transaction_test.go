package mw

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
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

// stateInSlot returns a state whose slot is slot.
func stateInSlot(t *testing.T, slot int) string {
	t.Helper()
	for i := 0; ; i++ {
		if state := "state-" + strconv.Itoa(i); slotOf(state) == slot {
			return state
		}
	}
}

// applyTo applies the Set-Cookie lines of h to jar, as a browser does.
func applyTo(jar, h http.Header) {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		deleteFrom(jar, c.Name)
		if c.MaxAge >= 0 {
			jar.Add("Set-Cookie", c.String())
		}
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

func TestTransactionRoundTripAndExpiry(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	ts := newTransactions(t, clk)
	state, err := ts.newState(httptest.NewRequest(http.MethodGet, "/", nil))
	if err != nil || len(state) != 43 {
		t.Fatalf("NewState = %q, %v; want 32 random bytes, base64url", state, err)
	}
	h := http.Header{}
	if err := ts.save(h, httptest.NewRequest(http.MethodGet, "/", nil), &transaction{State: state, Nonce: "n", CodeVerifier: "v", ReturnTo: "/x", MaxAge: -1}); err != nil {
		t.Fatal(err)
	}
	line := h.Get("Set-Cookie")
	for _, want := range []string{"__txn_" + strconv.Itoa(slotOf(state)) + "=1800000000.", "Path=/", "Max-Age=3600", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(line, want) {
			t.Errorf("transaction cookie lacks %q: %.60s", want, line)
		}
	}
	r := withCookies(h)
	if txn, ok := ts.load(r, state); !ok || txn.ReturnTo != "/x" || txn.CodeVerifier != "v" {
		t.Fatalf("Load = %+v, %v", txn, ok)
	}
	if _, ok := ts.load(r, state+"x"); ok {
		t.Error("a transaction opened under another state")
	}
	clk.now = clk.now.Add(time.Hour)
	if _, ok := ts.load(r, state); ok {
		t.Error("a transaction an hour old still opens")
	}
}

func TestTransactionRefusesAMovedCookie(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	ts := newTransactions(t, clk)
	s0, s1 := stateInSlot(t, 0), stateInSlot(t, 1)
	h := http.Header{}
	_ = ts.save(h, httptest.NewRequest(http.MethodGet, "/", nil), &transaction{State: s0})
	value := (&http.Response{Header: h}).Cookies()[0].Value
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: "__txn_1", Value: value})
	if _, ok := ts.load(r, s1); ok {
		t.Error("a transaction cookie copied into another slot opened")
	}
}

func TestTransactionSlotsBoundTheCookies(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	ts := newTransactions(t, clk)
	jar := http.Header{}
	var states []string
	for i := range 12 {
		clk.now = clk.now.Add(time.Second)
		state, err := ts.newState(withCookies(jar))
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, state)
		h := http.Header{}
		if err := ts.save(h, httptest.NewRequest(http.MethodGet, "/", nil), &transaction{State: state, ReturnTo: "/"}); err != nil {
			t.Fatal(err)
		}
		applyTo(jar, h)
		if n := len(jar.Values("Set-Cookie")); n > TransactionSlots {
			t.Fatalf("after %d logins the browser holds %d transaction cookies", i+1, n)
		}
	}
	r := withCookies(jar)
	for i, state := range states {
		_, ok := ts.load(r, state)
		if want := i >= len(states)-TransactionSlots; ok != want {
			t.Errorf("login %d of %d opens: %v, want %v (the newest %d)", i+1, len(states), ok, want, TransactionSlots)
		}
	}
}

func TestNewStateTakesAFreeSlotOrTheOldest(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	ts := newTransactions(t, clk)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: "__txn_0", Value: "1800000005.x"})
	for range 20 {
		if state, _ := ts.newState(r); slotOf(state) != 1 {
			t.Fatal("a new login took the slot of a login in progress while another was free")
		}
	}
	r.AddCookie(&http.Cookie{Name: "__txn_1", Value: "1800000001.x"})
	for range 20 {
		if state, _ := ts.newState(r); slotOf(state) != 1 {
			t.Fatal("a new login did not replace the oldest login")
		}
	}
	seen := map[int]bool{}
	for range 64 {
		state, _ := ts.newState(httptest.NewRequest(http.MethodGet, "/", nil))
		seen[slotOf(state)] = true
	}
	if len(seen) != TransactionSlots {
		t.Errorf("logins started from the same cookies used slots %v, want all %d", seen, TransactionSlots)
	}
}

func TestTransactionCookieSizeIsBounded(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	ts := newTransactions(t, clk)
	token := strings.Repeat("A", 43)
	fits := &transaction{State: token, Nonce: token, CodeVerifier: token, Scope: DefaultScope,
		Audience: "https://api.example.com/", ReturnTo: "/" + strings.Repeat("r", 249), MaxAge: -1}
	h := http.Header{}
	if err := ts.save(h, httptest.NewRequest(http.MethodGet, "/", nil), fits); err != nil {
		t.Fatalf("a login with a 250-byte returnTo and an audience: %v", err)
	}
	c := (&http.Response{Header: h}).Cookies()[0]
	if size := len(c.Name) + 1 + len(c.Value); size > MaxTransactionCookieBytes {
		t.Errorf("cookie of %d bytes", size)
	}
	tooLarge := *fits
	tooLarge.ReturnTo = "/" + strings.Repeat("r", 4000)
	h = http.Header{}
	if err := ts.save(h, httptest.NewRequest(http.MethodGet, "/", nil), &tooLarge); !errors.Is(err, ErrTransactionTooLarge) || len(h) != 0 {
		t.Errorf("a 4 KB returnTo: %v, headers %v; want ErrTransactionTooLarge and nothing written", err, h)
	}
}

// manyCookies returns a request carrying n cookies, most of them named like transaction
// cookies of other formats, and the two slots' cookies in the middle.
func manyCookies(n int) *http.Request {
	var b strings.Builder
	for i := range n {
		if i == n/2 {
			b.WriteString("__txn_1=b; __txn_0=a; ")
		}
		b.WriteString("__txn_" + strconv.Itoa(i+2) + "=x; __txn_0" + strconv.Itoa(i) + "=y; ")
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", b.String()+"__txn_=z; __txn_-1=z; __txn_1=second")
	return r
}

func TestTransactionDeletesOnlyTheSlots(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	ts := newTransactions(t, clk)
	r := manyCookies(20_000)
	deleted := func(h http.Header) []string {
		var names []string
		for _, c := range (&http.Response{Header: h}).Cookies() {
			if c.MaxAge < 0 {
				names = append(names, c.Name)
			}
		}
		return names
	}
	h := http.Header{}
	ts.deleteAll(h, r)
	if got := deleted(h); len(h.Values("Set-Cookie")) != 2 || !(got[0] == "__txn_0" && got[1] == "__txn_1") {
		t.Errorf("DeleteAll deleted %v (%d lines), want __txn_0 and __txn_1", got, len(h.Values("Set-Cookie")))
	}
	h = http.Header{}
	ts.deleteOthers(h, r, &transaction{cookieName: "__txn_0"})
	if got := deleted(h); len(got) != 1 || got[0] != "__txn_1" {
		t.Errorf("DeleteOthers deleted %v, want __txn_1", got)
	}
	h = http.Header{}
	ts.discard(h, r, stateInSlot(t, 1))
	if got := deleted(h); len(got) != 1 || got[0] != "__txn_1" {
		t.Errorf("Discard deleted %v, want __txn_1", got)
	}
	if c := ts.carried(r); c[0].value != "a" || c[1].value != "b" {
		t.Errorf("carried = %+v, want the first cookie of each slot's name", c)
	}
}

// Not parallel: AllocsPerRun needs the test alone.
func TestTransactionScanDoesNoWorkPerCookie(t *testing.T) {
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	ts := newTransactions(t, clk)
	r := manyCookies(20_000)
	for name, f := range map[string]func(){
		"DeleteAll": func() { ts.deleteAll(http.Header{}, r) },
		"Load":      func() { ts.load(r, "state-0") },
		"NewState":  func() { _, _ = ts.newState(r) },
	} {
		if allocs := testing.AllocsPerRun(5, f); allocs > 50 {
			t.Errorf("%s allocates %.0f times for a request of 40,000 cookies: it works per cookie", name, allocs)
		}
	}
}

func BenchmarkTransactionDeleteAllManyCookies(b *testing.B) {
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	codec, _ := session.NewCodec(session.PurposeTransaction, testSecret)
	ts := NewTransactionStore(TransactionStoreOptions{Codec: codec, Now: clk.Now})
	r := manyCookies(20_000)
	b.ReportAllocs()
	for b.Loop() {
		ts.deleteAll(http.Header{}, r)
	}
}

func TestDiscardKeepsAnotherLiveLoginOfTheSlot(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	ts := newTransactions(t, clk)
	live := stateInSlot(t, 0)
	var other string
	for i := 0; other == ""; i++ {
		if s := "other-" + strconv.Itoa(i); slotOf(s) == 0 {
			other = s
		}
	}
	h := http.Header{}
	_ = ts.save(h, httptest.NewRequest(http.MethodGet, "/", nil), &transaction{State: live})
	r := withCookies(h)

	h = http.Header{}
	ts.discard(h, r, other)
	if len(h) != 0 {
		t.Errorf("a callback for an unknown state deleted the slot's live login: %v", h)
	}
	clk.now = clk.now.Add(time.Hour)
	ts.discard(h, r, other)
	if !strings.Contains(h.Get("Set-Cookie"), "__txn_0=;") {
		t.Errorf("an expired login was kept: %v", h)
	}
}
