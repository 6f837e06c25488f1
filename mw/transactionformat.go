package mw

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/authchain/authchain/internal/returnto"
)

// TransactionFormat is how login transaction cookies are named and sealed.
type TransactionFormat string

// The transaction cookie formats.
const (
	// TransactionFormatSlots names a login's cookie after its slot (prefix + "0" or "1") and
	// seals it with gorilla/securecookie's scheme. A browser holds at most TransactionSlots of
	// them, however many logins it starts and in whatever order their responses arrive.
	TransactionFormatSlots TransactionFormat = "slots"
	// TransactionFormatNextJS is nextjs-auth0 v4's: prefix + state, holding
	// "<unixSeconds>%3A<JWE>" of the original's TransactionState, at most
	// MaxNextJSTransactionBytes of them together when the logins run one after another (the
	// oldest are evicted first), but one more per login whose request was sent before the
	// previous login's response arrived. A login started by a Next.js application with the
	// same secret completes on authchain's callback and the other way round.
	TransactionFormatNextJS TransactionFormat = "nextjs"
)

// DefaultTransactionFormat is the transaction cookie format unless configured otherwise.
const DefaultTransactionFormat = TransactionFormatSlots

// MaxNextJSTransactionBytes is nextjs-auth0's cap on the transaction cookies of a request
// ("name=value" with a raw colon, summed): before a login writes its cookie, the oldest of
// the request's other transaction cookies are deleted until the total, the new cookie
// included, is under it. A single cookie of this size or more is not written.
const MaxNextJSTransactionBytes = 3500

// maxSweptTransactionCookies bounds how many transaction cookies of the format "nextjs" one
// response deletes (at logout, after a login, or to make room for a login): each deletion is
// a Set-Cookie header.
const maxSweptTransactionCookies = 32

// WithDefault returns f, or DefaultTransactionFormat when f is empty.
func (f TransactionFormat) WithDefault() TransactionFormat {
	if f == "" {
		return DefaultTransactionFormat
	}
	return f
}

// Check returns an error unless f is empty or one of the formats.
func (f TransactionFormat) Check() error {
	switch f {
	case "", TransactionFormatSlots, TransactionFormatNextJS:
		return nil
	}
	return fmt.Errorf("mw: transaction cookie format %q is not %q or %q", string(f), TransactionFormatSlots, TransactionFormatNextJS)
}

// nextTransaction is nextjs-auth0's TransactionState, its members in the original's order.
// Members authchain does not use (originDomain, originIssuer) are ignored when read.
type nextTransaction struct {
	Nonce         string `json:"nonce"`
	MaxAge        *int64 `json:"maxAge,omitempty"`
	CodeVerifier  string `json:"codeVerifier"`
	ResponseType  string `json:"responseType"`
	State         string `json:"state"`
	ReturnTo      string `json:"returnTo"`
	Scope         string `json:"scope,omitempty"`
	Audience      string `json:"audience,omitempty"`
	ChallengeMode string `json:"challengeMode,omitempty"`
}

// toNext returns t as the original's TransactionState.
func toNext(t *transaction) nextTransaction {
	n := nextTransaction{
		Nonce: t.Nonce, CodeVerifier: t.CodeVerifier, ResponseType: "code", State: t.State,
		ReturnTo: t.ReturnTo, Scope: t.Scope, Audience: t.Audience,
	}
	if t.MaxAge >= 0 {
		maxAge := t.MaxAge
		n.MaxAge = &maxAge
	}
	return n
}

// fromNext returns the transaction of the original's TransactionState n, or false for a login
// authchain cannot complete: one that connects an account or runs in a popup.
func fromNext(n *nextTransaction, createdAt int64) (*transaction, bool) {
	if n.ResponseType != "code" || (n.ChallengeMode != "" && n.ChallengeMode != "redirect") {
		return nil, false
	}
	t := &transaction{
		State: n.State, Nonce: n.Nonce, CodeVerifier: n.CodeVerifier, ReturnTo: nextReturnTo(n.ReturnTo),
		Scope: n.Scope, Audience: n.Audience, MaxAge: -1, CreatedAt: createdAt,
	}
	if n.MaxAge != nil && *n.MaxAge >= 0 {
		t.MaxAge = *n.MaxAge
	}
	return t, true
}

// nextReturnTo returns the path a Next.js login lands on. The original keeps returnTo's path,
// query and fragment, as authchain does; an absolute URL (which its store takes too) is cut
// to those. The result is checked as the login route checks a returnTo, else it is "/".
func nextReturnTo(raw string) string {
	base := &url.URL{Scheme: "https", Host: "app.invalid", Path: "/"}
	if u, err := url.Parse(raw); err == nil && u.IsAbs() && (u.Scheme == "http" || u.Scheme == "https") {
		base = &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/"}
	}
	if safe, ok := returnto.Safe(raw, base); ok {
		return safe
	}
	return "/"
}

// nextCookie is a transaction cookie of the format "nextjs" a request carries.
type nextCookie struct {
	name, value string
}

// nextValue splits a cookie value of the format "nextjs" into its creation time (0 when it
// has none, as before 4.29) and its JWE; the colon may be raw (4.29) or "%3A" (4.30).
func nextValue(value string) (createdAt int64, jwe string) {
	if ts, rest, ok := strings.Cut(value, ":"); ok {
		at, _ := strconv.ParseInt(ts, 10, 64)
		return at, rest
	}
	if i := strings.Index(strings.ToUpper(value), "%3A"); i >= 0 {
		at, _ := strconv.ParseInt(value[:i], 10, 64)
		return at, value[i+3:]
	}
	return 0, value
}

// size is what the original counts for c against MaxNextJSTransactionBytes: "name=value"
// with the value's colon decoded.
func (c nextCookie) size() int {
	n := len(c.name) + 1 + len(c.value)
	if !strings.Contains(c.value, ":") && strings.Contains(strings.ToUpper(c.value), "%3A") {
		n -= 2
	}
	return n
}

// carriedNext returns the transaction cookies of the format "nextjs" r carries (named
// prefix + a state; slot names excluded), the first of each name.
func (ts *TransactionStore) carriedNext(r *http.Request) []nextCookie {
	var out []nextCookie
	seen := map[string]bool{}
	for _, line := range r.Header.Values("Cookie") {
		for part := range strings.SplitSeq(line, ";") {
			name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
			rest, ok := strings.CutPrefix(name, ts.cookie.Name)
			if !ok || rest == "" || seen[name] {
				continue
			}
			if _, slot := ts.slotNamed(name); slot {
				continue
			}
			seen[name] = true
			out = append(out, nextCookie{name: name, value: strings.Trim(value, `"`)})
		}
	}
	return out
}

// nextName returns the name of state's cookie in the format "nextjs", or false when that is a
// slot's name (the state "0" or "1", which no login has): that cookie holds another login.
func (ts *TransactionStore) nextName(state string) (string, bool) {
	name := ts.cookie.Name + state
	if _, slot := ts.slotNamed(name); slot {
		return "", false
	}
	return name, true
}

// saveNext writes t's cookie in the format "nextjs" to h, after deleting the oldest of r's
// transaction cookies the original's cap leaves no room for.
func (ts *TransactionStore) saveNext(h http.Header, r *http.Request, t *transaction) error {
	if ts.jwe == nil {
		return fmt.Errorf("mw: the transaction format %q needs a JWE codec", TransactionFormatNextJS)
	}
	now := ts.now()
	t.CreatedAt = now.Unix()
	expires := now.Add(ts.maxAge)
	jwe, err := ts.jwe.EncodeJWT(toNext(t), expires)
	if err != nil {
		return err
	}
	name, ok := ts.nextName(t.State)
	if !ok {
		return fmt.Errorf("mw: the state %q names a slot's cookie", t.State)
	}
	stamp := strconv.FormatInt(t.CreatedAt, 10)
	written := nextCookie{name: name, value: stamp + ":" + jwe}
	if written.size() >= MaxNextJSTransactionBytes {
		return ErrTransactionTooLarge
	}
	ts.evictNext(h, r, written)
	ts.cookie.SetCookie(h, name, stamp+"%3A"+jwe, expires, now)
	return nil
}

// evictNext deletes, oldest first, r's transaction cookies other than written's until the
// rest and written together are under MaxNextJSTransactionBytes, as nextjs-auth0 4.29+ does,
// but at most maxSweptTransactionCookies of them: a request of many tiny cookies, which no
// login writes, does not get a deletion for each.
// Cookies of the format "slots" count too (the original sees every prefixed cookie), as the
// oldest: their values carry no colon.
func (ts *TransactionStore) evictNext(h http.Header, r *http.Request, written nextCookie) {
	all := ts.carriedNext(r)
	for slot, c := range ts.carried(r) {
		if c.present {
			all = append(all, nextCookie{name: ts.slotName(slot), value: c.value})
		}
	}
	total := written.size()
	for _, c := range all {
		if c.name != written.name {
			total += c.size()
		}
	}
	if total < MaxNextJSTransactionBytes {
		return
	}
	sortByCreation(all)
	target, freed, deleted := total-MaxNextJSTransactionBytes+1, 0, 0
	for _, c := range all {
		if c.name == written.name {
			continue
		}
		ts.cookie.DeleteCookie(h, c.name)
		if freed, deleted = freed+c.size(), deleted+1; freed >= target || deleted == maxSweptTransactionCookies {
			return
		}
	}
}

// loadNext returns the live login of state from its cookie of the format "nextjs".
func (ts *TransactionStore) loadNext(r *http.Request, state string) (*transaction, bool) {
	name, ok := ts.nextName(state)
	if !ok || ts.jwe == nil {
		return nil, false
	}
	value, ok := ts.findNext(r, name)
	if !ok {
		return nil, false
	}
	createdAt, jwe := nextValue(value)
	var n nextTransaction
	if err := ts.jwe.DecodeJWT(jwe, ts.now(), &n); err != nil || n.State != state {
		return nil, false
	}
	t, ok := fromNext(&n, createdAt)
	if ok {
		t.cookieName = name
	}
	return t, ok
}

// findNext returns the value of the first cookie called name that r carries.
func (ts *TransactionStore) findNext(r *http.Request, name string) (string, bool) {
	for _, line := range r.Header.Values("Cookie") {
		for part := range strings.SplitSeq(line, ";") {
			if n, value, _ := strings.Cut(strings.TrimSpace(part), "="); n == name {
				return strings.Trim(value, `"`), true
			}
		}
	}
	return "", false
}

// deleteNext deletes r's transaction cookies of the format "nextjs" except keep, at most
// maxSweptTransactionCookies of them, when the store writes that format. A store of the
// format "slots" deletes only its slots: a request cannot make it send more deletions.
func (ts *TransactionStore) deleteNext(h http.Header, r *http.Request, keep string) {
	if ts.format != TransactionFormatNextJS {
		return
	}
	deleted := 0
	for _, c := range ts.carriedNext(r) {
		if c.name == keep || deleted == maxSweptTransactionCookies {
			continue
		}
		ts.cookie.DeleteCookie(h, c.name)
		deleted++
	}
}

// createdAt returns when the login of c started, 0 when its value does not say.
func (c nextCookie) createdAt() int64 {
	at, _ := nextValue(c.value)
	return at
}

// sortByCreation sorts cookies oldest first, those that do not say when they were made
// before all others, keeping the request's order among equals.
func sortByCreation(cookies []nextCookie) {
	slices.SortStableFunc(cookies, func(a, b nextCookie) int { return cmp.Compare(a.createdAt(), b.createdAt()) })
}
