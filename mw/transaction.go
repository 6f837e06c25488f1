package mw

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authchain/authchain/session"
)

// Transaction is what a login remembers between the redirect to the provider and the callback.
type Transaction struct {
	State        string `json:"state"`
	Nonce        string `json:"nonce"`
	CodeVerifier string `json:"codeVerifier"`
	ReturnTo     string `json:"returnTo"`
	Scope        string `json:"scope,omitempty"`
	Audience     string `json:"audience,omitempty"`
	// MaxAge is the max_age the login asked for, in seconds; -1 when none.
	MaxAge    int64 `json:"maxAge"`
	CreatedAt int64 `json:"createdAt"`
}

// Transaction cookie defaults.
const (
	DefaultTransactionPrefix = "__txn_"
	DefaultTransactionMaxAge = time.Hour
	// MaxTransactionBytes bounds the transaction cookies of one browser together; the oldest
	// are evicted first, so abandoned logins never grow the Cookie header without limit.
	MaxTransactionBytes = 3500
)

// TransactionStore keeps login transactions in sealed cookies named prefix + state, one per
// login, so logins in several tabs do not disturb each other.
type TransactionStore struct {
	codec  *session.Codec
	cookie session.CookieOptions // Name holds the prefix
	maxAge time.Duration
	now    func() time.Time
}

// TransactionStoreOptions configures a TransactionStore.
type TransactionStoreOptions struct {
	// Codec seals the cookies (purpose session.PurposeTransaction). Required.
	Codec *session.Codec
	// Cookie holds the attributes; its Name is the prefix (default "__txn_"). SameSite must
	// stay Lax or None: the callback is a cross-site navigation.
	Cookie session.CookieOptions
	// MaxAge is how long a login may take; default one hour.
	MaxAge time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// NewTransactionStore returns a TransactionStore.
func NewTransactionStore(opts TransactionStoreOptions) *TransactionStore {
	if opts.Codec == nil {
		panic("mw: NewTransactionStore needs a codec")
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
	return &TransactionStore{codec: opts.Codec, cookie: c, maxAge: opts.MaxAge, now: opts.Now}
}

// Save writes t's cookie to h. When the transaction cookies r carries and the new one would
// together reach MaxTransactionBytes, the oldest are deleted first.
func (ts *TransactionStore) Save(h http.Header, r *http.Request, t *Transaction) error {
	now := ts.now()
	t.CreatedAt = now.Unix()
	name := ts.cookie.Name + t.State
	sealed, err := ts.codec.Encode(name, t)
	if err != nil {
		return err
	}
	value := strconv.FormatInt(t.CreatedAt, 10) + "." + sealed
	ts.evict(h, r, name, len(name)+1+len(value))
	ts.cookie.SetCookie(h, name, value, now.Add(ts.maxAge), now)
	return nil
}

// evict deletes the oldest transaction cookies until the rest and a new cookie of size bytes
// stay under MaxTransactionBytes.
func (ts *TransactionStore) evict(h http.Header, r *http.Request, name string, size int) {
	type txnCookie struct {
		name    string
		created int64
		size    int
	}
	var existing []txnCookie
	total := size
	for _, c := range r.Cookies() {
		if !strings.HasPrefix(c.Name, ts.cookie.Name) || c.Name == name {
			continue
		}
		created, _, _ := strings.Cut(c.Value, ".")
		n, _ := strconv.ParseInt(created, 10, 64)
		existing = append(existing, txnCookie{c.Name, n, len(c.Name) + 1 + len(c.Value)})
		total += len(c.Name) + 1 + len(c.Value)
	}
	slices.SortFunc(existing, func(a, b txnCookie) int { return int(a.created - b.created) })
	for _, c := range existing {
		if total < MaxTransactionBytes {
			return
		}
		ts.cookie.DeleteCookie(h, c.name)
		total -= c.size
	}
}

// Load returns the transaction for state from r's cookies, or false when there is none or it
// does not open, belongs to another state, or is older than the store's MaxAge.
func (ts *TransactionStore) Load(r *http.Request, state string) (*Transaction, bool) {
	if state == "" || len(state) > 128 {
		return nil, false
	}
	name := ts.cookie.Name + state
	c, err := r.Cookie(name)
	if err != nil {
		return nil, false
	}
	_, sealed, ok := strings.Cut(c.Value, ".")
	if !ok {
		return nil, false
	}
	var t Transaction
	if err := ts.codec.Decode(name, sealed, &t); err != nil || t.State != state {
		return nil, false
	}
	age := ts.now().Sub(time.Unix(t.CreatedAt, 0))
	if age < -time.Minute || age >= ts.maxAge {
		return nil, false
	}
	return &t, true
}

// Delete deletes the cookie of state's transaction.
func (ts *TransactionStore) Delete(h http.Header, state string) {
	ts.cookie.DeleteCookie(h, ts.cookie.Name+state)
}

// Discard deletes the cookie of state's transaction if r carries one, such as one that no
// longer opens.
func (ts *TransactionStore) Discard(h http.Header, r *http.Request, state string) {
	if state == "" || len(state) > 128 {
		return
	}
	if _, err := r.Cookie(ts.cookie.Name + state); err == nil {
		ts.Delete(h, state)
	}
}

// DeleteAll deletes every transaction cookie r carries.
func (ts *TransactionStore) DeleteAll(h http.Header, r *http.Request) {
	seen := map[string]bool{}
	for _, c := range r.Cookies() {
		if strings.HasPrefix(c.Name, ts.cookie.Name) && !seen[c.Name] {
			seen[c.Name] = true
			ts.cookie.DeleteCookie(h, c.Name)
		}
	}
}
