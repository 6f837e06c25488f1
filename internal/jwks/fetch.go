package jwks

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/go-jose/go-jose/v4"
)

const (
	// maxKeySet bounds the size of a key set document.
	maxKeySet = 1 << 20
	// fetchTimeout bounds a fetch whatever the client's own timeout, since
	// a fetch shared by many callers outlives each caller's context.
	fetchTimeout = 30 * time.Second
)

// fetch downloads and parses the key set.
func (s *KeySet) fetch(ctx context.Context) ([]jose.JSONWebKey, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.cfg.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFetch, err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	req.Header.Set("Cache-Control", "no-cache")
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFetch, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %s answered %d %s", ErrFetch, s.cfg.URL, resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxKeySet+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading %s: %w", ErrFetch, s.cfg.URL, err)
	}
	if len(body) > maxKeySet {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrFetch, s.cfg.URL, maxKeySet)
	}
	keys, err := parseKeySet(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrFetch, s.cfg.URL, err)
	}
	return keys, nil
}

// parseKeySet decodes a JWK Set (RFC 7517 §5) and keeps the keys that can
// verify signatures. A key that cannot be decoded (an unknown key type or
// curve, a short RSA modulus) is skipped, as RFC 7517 §5 asks.
func parseKeySet(body []byte) ([]jose.JSONWebKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("decoding the key set: %w", err)
	}
	if set.Keys == nil {
		return nil, fmt.Errorf("the key set has no keys member")
	}
	var keys []jose.JSONWebKey
	for _, raw := range set.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil || !usable(&k) {
			continue
		}
		keys = append(keys, k)
	}
	return keys, nil
}
