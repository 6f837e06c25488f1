package dpop

import (
	"net/http"
	"sync"
)

// maxNonces bounds the servers whose nonce a Key remembers.
const maxNonces = 256

// nonces holds the last nonce of each server, by origin.
type nonces struct {
	mu sync.Mutex
	m  map[string]string
}

func newNonces() *nonces { return &nonces{m: make(map[string]string)} }

func (n *nonces) get(origin string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.m[origin]
}

// set remembers nonce for origin, and reports whether it is new.
func (n *nonces) set(origin, nonce string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.m[origin] == nonce {
		return false
	}
	if _, known := n.m[origin]; !known && len(n.m) >= maxNonces {
		for o := range n.m {
			delete(n.m, o)
			break
		}
	}
	n.m[origin] = nonce
	return true
}

// SetNonce remembers the nonce the server of rawURL sent (its DPoP-Nonce header; RFC 9449 §8
// and §9), for the next proofs to that server, and reports whether it differs from the one
// remembered. An empty nonce, or an URL that is not absolute, changes nothing.
func (k *Key) SetNonce(rawURL, nonce string) bool {
	if nonce == "" || !validNonce(nonce) {
		return false
	}
	_, origin, err := target(rawURL)
	if err != nil {
		return false
	}
	return k.nonces.set(origin, nonce)
}

// SetNonceFrom remembers the DPoP-Nonce of a response to a request to rawURL, and reports
// whether it is new.
func (k *Key) SetNonceFrom(rawURL string, h http.Header) bool {
	return k.SetNonce(rawURL, h.Get("DPoP-Nonce"))
}

// validNonce reports whether nonce is a NQCHAR string (RFC 9449 §8.1) of a sane length.
func validNonce(nonce string) bool {
	if len(nonce) > 1024 {
		return false
	}
	for i := 0; i < len(nonce); i++ {
		c := nonce[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
