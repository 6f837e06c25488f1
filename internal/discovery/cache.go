package discovery

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/authchain/authchain/internal/outbound"
)

// Defaults for the Config fields left zero.
const (
	DefaultTTL      = 10 * time.Minute
	DefaultMaxStale = time.Hour
)

// MaxRedirects is how many redirects a fetch of the document follows, each
// to the issuer's own origin (scheme, host and port). A redirect to another
// origin is never followed: the document names the endpoints that receive
// the client's credentials, so it must come from the issuer.
const MaxRedirects = 3

// Config configures a Cache.
type Config struct {
	// Issuer is the provider's issuer identifier, exactly as the provider
	// writes it in its documents and tokens (Auth0's ends with "/").
	Issuer string
	// Client makes the requests; nil means an outbound client with its
	// defaults. Its redirect policy is replaced by one that follows at most
	// MaxRedirects redirects within the issuer's origin (the Cache uses a
	// copy; Client is not modified).
	Client *http.Client
	// TTL is how long a fetched document is used before it is fetched
	// again. Zero means DefaultTTL.
	TTL time.Duration
	// MaxStale is how long past its TTL a document may still be served
	// when fetching a newer one fails. Zero means DefaultMaxStale; a
	// negative value never serves a stale document.
	MaxStale time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// AllowInsecure allows an http issuer and http endpoints. Use it only
	// against a local test provider.
	AllowInsecure bool
}

// Cache holds one provider's metadata. It is safe for concurrent use.
type Cache struct {
	cfg    Config
	url    string
	flight singleflight.Group

	mu      sync.Mutex
	doc     *Metadata
	fetched time.Time
}

// New returns a Cache for cfg.Issuer. Nothing is fetched until Get.
func New(cfg Config) (*Cache, error) {
	if err := checkIssuer(cfg.Issuer, cfg.AllowInsecure); err != nil {
		return nil, err
	}
	var client http.Client
	if cfg.Client == nil {
		client = *outbound.NewClient(nil, outbound.Options{})
	} else {
		client = *cfg.Client
	}
	client.CheckRedirect = outbound.CheckRedirect(MaxRedirects)
	cfg.Client = &client
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.MaxStale == 0 {
		cfg.MaxStale = DefaultMaxStale
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Cache{cfg: cfg, url: discoveryURL(cfg.Issuer)}, nil
}

// checkIssuer requires an https URL (http with allowInsecure) with a host
// and no query or fragment (RFC 8414 §2).
func checkIssuer(issuer string, allowInsecure bool) error {
	if issuer == "" {
		return fmt.Errorf("discovery: no issuer configured")
	}
	if err := checkURL(issuer, allowInsecure); err != nil {
		return fmt.Errorf("discovery: invalid issuer: %w", err)
	}
	if u, _ := url.Parse(issuer); u.RawQuery != "" || u.ForceQuery {
		return fmt.Errorf("discovery: invalid issuer: %q has a query", issuer)
	}
	return nil
}

// discoveryURL appends the well-known path to the issuer, without doubling
// a trailing slash (OpenID Connect Discovery 1.0 §4).
func discoveryURL(issuer string) string {
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

// Get returns the provider's metadata, fetching it when none is cached or
// the cached document is older than the TTL. Concurrent callers share one
// fetch. A failed fetch is not remembered: the next call tries again. When
// a refresh fails while a document fetched no more than TTL+MaxStale ago is
// cached, that stale document is returned instead of the error.
//
// Errors wrap ErrDiscovery.
func (c *Cache) Get(ctx context.Context) (*Metadata, error) {
	if doc := c.cached(c.cfg.TTL); doc != nil {
		return doc, nil
	}
	ch := c.flight.DoChan("", func() (any, error) {
		// A fetch that finished just before this one started is enough.
		if doc := c.cached(c.cfg.TTL); doc != nil {
			return doc, nil
		}
		return c.refresh(context.WithoutCancel(ctx))
	})
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrDiscovery, ctx.Err())
	case r := <-ch:
		if r.Err == nil {
			return r.Val.(*Metadata), nil
		}
		if c.cfg.MaxStale > 0 {
			if doc := c.cached(c.cfg.TTL + c.cfg.MaxStale); doc != nil {
				return doc, nil
			}
		}
		return nil, r.Err
	}
}

// cached returns the cached document if it was fetched less than maxAge
// ago.
func (c *Cache) cached(maxAge time.Duration) *Metadata {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.doc == nil || !c.cfg.Now().Before(c.fetched.Add(maxAge)) {
		return nil
	}
	return c.doc
}

// refresh fetches the document and caches it on success.
func (c *Cache) refresh(ctx context.Context) (*Metadata, error) {
	doc, err := c.fetch(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.doc, c.fetched = doc, c.cfg.Now()
	c.mu.Unlock()
	return doc, nil
}
