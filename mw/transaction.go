package mw

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/authchain/authchain/session"
)

// transaction is what a login remembers between the redirect to the provider and the callback.
type transaction struct {
	State        string `json:"state"`
	Nonce        string `json:"nonce"`
	CodeVerifier string `json:"codeVerifier"`
	ReturnTo     string `json:"returnTo"`
	Scope        string `json:"scope,omitempty"`
	Audience     string `json:"audience,omitempty"`
	// MaxAge is the max_age the login asked for, in seconds; -1 when none.
	MaxAge    int64 `json:"maxAge"`
	CreatedAt int64 `json:"createdAt"`
	// cookieName is the name of the cookie the login was read from.
	cookieName string
}

// Transaction cookie defaults and bounds. A browser holds at most TransactionSlots transaction
// cookies of at most MaxTransactionCookieBytes each, 2,400 bytes together, however many logins
// it starts and in whatever order their responses arrive: with a session cookie of 4.8 KB its
// Cookie header stays near 7.2 KB, under the 8 KB a proxy such as nginx accepts in one header
// line.
const (
	DefaultTransactionPrefix = "__txn_"
	// DefaultTransactionMaxAge is how long a login may take: long enough for a sign-up that
	// waits for an e-mail, or a second factor being set up. The slots, not the age, bound
	// what the cookies weigh.
	DefaultTransactionMaxAge = time.Hour
	// TransactionSlots is how many logins a browser can have in progress: a login's cookie
	// is named after its slot (prefix + "0", prefix + "1"), which its state decides. A new
	// login takes a slot the browser does not use, or else the one of its oldest login.
	TransactionSlots = 2
	// MaxTransactionCookieBytes bounds one transaction cookie: name, "=" and sealed value.
	// A bare login's cookie is about 580 bytes, one with the default scope, an audience and a
	// short returnTo under 700; each byte of returnTo, scope or audience costs about 1.8
	// bytes. A returnTo of about 340 bytes still fits with the default scope, as does a scope
	// of about 340 bytes with an audience.
	MaxTransactionCookieBytes = 1200
)

// ErrTransactionTooLarge is returned by Save when the transaction's cookie would be larger
// than MaxTransactionCookieBytes.
var ErrTransactionTooLarge = errors.New("mw: the login's transaction is too large for its cookie")

// TransactionStore keeps login transactions in sealed cookies, one per slot (see
// TransactionSlots), so that a few logins in several tabs do not disturb each other and any
// number of them cannot grow the browser's Cookie header past a fixed size.
type TransactionStore struct {
	codec  *session.Codec
	jwe    *session.JWECodec
	format TransactionFormat
	cookie session.CookieOptions // Name holds the prefix
	maxAge time.Duration
	now    func() time.Time
}

// TransactionStoreOptions configures a TransactionStore.
type TransactionStoreOptions struct {
	// Codec seals the cookies of the format "slots" (purpose session.PurposeTransaction).
	// Required.
	Codec *session.Codec
	// JWE seals the cookies of the format "nextjs" (see session.JWECodec). Required with
	// that format; with the format "slots" it is optional, and when given the callback also
	// completes the logins whose cookie is in the format "nextjs", as a Next.js application
	// with the same secret writes them.
	JWE *session.JWECodec
	// Format is how new logins' cookies are written: TransactionFormatSlots (the default)
	// or TransactionFormatNextJS. The callback reads both (the format "nextjs" with JWE).
	Format TransactionFormat
	// Cookie holds the attributes; its Name is the prefix (default "__txn_"). SameSite must
	// stay Lax or None: the callback is a cross-site navigation.
	Cookie session.CookieOptions
	// MaxAge is how long a login may take; default DefaultTransactionMaxAge.
	MaxAge time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// NewTransactionStore returns a TransactionStore.
func NewTransactionStore(opts TransactionStoreOptions) *TransactionStore {
	if opts.Codec == nil {
		panic("mw: NewTransactionStore needs a codec")
	}
	opts.Format = opts.Format.WithDefault()
	if err := opts.Format.Check(); err != nil {
		panic(err.Error())
	}
	if opts.Format == TransactionFormatNextJS && opts.JWE == nil {
		panic("mw: NewTransactionStore needs a JWE codec for the format \"nextjs\"")
	}
	c := opts.Cookie
	if c.Name == "" {
		c.Name = DefaultTransactionPrefix
	}
	c.Transient = false
	c = c.WithDefaults()
	if opts.MaxAge <= 0 {
		opts.MaxAge = DefaultTransactionMaxAge
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &TransactionStore{codec: opts.Codec, jwe: opts.JWE, format: opts.Format, cookie: c, maxAge: opts.MaxAge, now: opts.Now}
}

// Save writes t's cookie to h for a browser that sent r: in the format "slots", in the slot
// of t.State, replacing the login that held the slot; in the format "nextjs", named after
// t.State, after deleting the oldest of r's transaction cookies beyond
// MaxNextJSTransactionBytes. It returns ErrTransactionTooLarge, and writes nothing, when the
// cookie would be larger than its format allows (MaxTransactionCookieBytes,
// MaxNextJSTransactionBytes).
func (ts *TransactionStore) save(h http.Header, r *http.Request, t *transaction) error {
	if ts.format == TransactionFormatNextJS {
		return ts.saveNext(h, r, t)
	}
	now := ts.now()
	t.CreatedAt = now.Unix()
	name := ts.slotName(slotOf(t.State))
	sealed, err := ts.codec.Encode(name, t)
	if err != nil {
		return err
	}
	value := strconv.FormatInt(t.CreatedAt, 10) + "." + sealed
	if len(name)+1+len(value) > MaxTransactionCookieBytes {
		return ErrTransactionTooLarge
	}
	ts.cookie.SetCookie(h, name, value, now.Add(ts.maxAge), now)
	return nil
}

// Load returns the transaction for state from r's cookies, or false when there is none or it
// does not open, belongs to another state (the slot's newer login), or is older than the
// store's MaxAge (a cookie of the format "nextjs": than its exp claim). The cookie named
// after state (format "nextjs") is looked for first, then state's slot.
func (ts *TransactionStore) load(r *http.Request, state string) (*transaction, bool) {
	if state == "" || len(state) > 128 {
		return nil, false
	}
	if t, ok := ts.loadNext(r, state); ok {
		return t, true
	}
	slot := slotOf(state)
	t, ok := ts.open(slot, ts.carried(r)[slot])
	if !ok || t.State != state {
		return nil, false
	}
	t.cookieName = ts.slotName(slot)
	return t, true
}

// open returns the live transaction in c, the cookie of slot, whatever its state.
func (ts *TransactionStore) open(slot int, c slotCookie) (*transaction, bool) {
	_, sealed, ok := strings.Cut(c.value, ".")
	if !c.present || !ok {
		return nil, false
	}
	var t transaction
	if err := ts.codec.Decode(ts.slotName(slot), sealed, &t); err != nil {
		return nil, false
	}
	age := ts.now().Sub(time.Unix(t.CreatedAt, 0))
	if age < -time.Minute || age >= ts.maxAge {
		return nil, false
	}
	return &t, true
}

// Delete deletes the cookie t was read from.
func (ts *TransactionStore) delete(h http.Header, t *transaction) {
	ts.cookie.DeleteCookie(h, t.cookieName)
}

// Discard deletes the cookie named after state if r carries one (it can hold no other login),
// and the cookie of state's slot if r carries one that holds no live login of another state:
// one that no longer opens, has expired, or is state's own. A callback for a state the browser
// does not know leaves the login in progress in that slot alone.
func (ts *TransactionStore) discard(h http.Header, r *http.Request, state string) {
	if state == "" || len(state) > 128 {
		return
	}
	if name, ok := ts.nextName(state); ok {
		if _, carried := ts.findNext(r, name); carried {
			ts.cookie.DeleteCookie(h, name)
		}
	}
	slot := slotOf(state)
	c := ts.carried(r)[slot]
	if !c.present {
		return
	}
	if t, ok := ts.open(slot, c); !ok || t.State == state {
		ts.cookie.DeleteCookie(h, ts.slotName(slot))
	}
}

// DeleteAll deletes every transaction cookie r carries: its slots, and, in the format
// "nextjs", at most maxSweptTransactionCookies cookies named after a state.
func (ts *TransactionStore) deleteAll(h http.Header, r *http.Request) {
	ts.deleteCarried(h, r, "")
}

// DeleteOthers deletes the transaction cookies r carries except the one t was read from
// (which Delete deletes), as a completed login does with the logins it made pointless.
func (ts *TransactionStore) deleteOthers(h http.Header, r *http.Request, t *transaction) {
	ts.deleteCarried(h, r, t.cookieName)
}

func (ts *TransactionStore) deleteCarried(h http.Header, r *http.Request, keep string) {
	for slot, c := range ts.carried(r) {
		if name := ts.slotName(slot); c.present && name != keep {
			ts.cookie.DeleteCookie(h, name)
		}
	}
	ts.deleteNext(h, r, keep)
}
