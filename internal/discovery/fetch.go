package discovery

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

const (
	// maxDocument bounds the size of a discovery document.
	maxDocument = 1 << 20
	// fetchTimeout bounds a fetch whatever the client's own timeout, since
	// a fetch shared by many callers outlives each caller's context.
	fetchTimeout = 30 * time.Second
)

// fetch downloads and validates the discovery document.
func (c *Cache) fetch(ctx context.Context) (*Metadata, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDiscovery, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.cfg.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDiscovery, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %s answered %d %s", ErrDiscovery, c.url, resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading %s: %w", ErrDiscovery, c.url, err)
	}
	if len(body) > maxDocument {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrDiscovery, c.url, maxDocument)
	}
	return parseMetadata(body, c.cfg.Issuer, c.cfg.AllowInsecure)
}
