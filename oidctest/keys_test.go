package oidctest_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/authchain/authchain/oidctest"
)

func TestRotateKeys(t *testing.T) {
	t.Parallel()
	srv := oidctest.NewServer(t, oidctest.WithClient(confidentialClient()), oidctest.WithKeyRetention(time.Hour))
	r := newRP(t, srv, confidentialClient())
	before := r.login() // go-oidc caches the JWKS with the first key
	oldKID := srv.KeyIDs()[0]

	srv.RotateKeys()
	kids := srv.KeyIDs()
	if len(kids) != 2 || kids[0] != oldKID || kids[1] == oldKID {
		t.Fatalf("KeyIDs after rotation %v", kids)
	}
	after := r.login() // verifies only if go-oidc refetches the JWKS for the new kid
	if h, _ := jwtParts(t, after.rawID); h["kid"] != kids[1] {
		t.Fatalf("new token signed by %v, want %s", h["kid"], kids[1])
	}
	if _, err := r.verifier.Verify(r.ctx, before.rawID); err != nil {
		t.Fatalf("token of the old key during retention: %v", err)
	}

	srv.Advance(time.Hour + time.Second)
	if kids := srv.KeyIDs(); !slices.Equal(kids, []string{kidOf(t, after.rawID)}) {
		t.Fatalf("KeyIDs after retention %v", kids)
	}
	fresh := newRP(t, srv, confidentialClient()).provider.Verifier(&oidc.Config{ClientID: testClientID, SkipExpiryCheck: true})
	if _, err := fresh.Verify(t.Context(), before.rawID); err == nil {
		t.Fatal("token of a key past retention still verifies")
	}
	if _, err := fresh.Verify(t.Context(), after.rawID); err != nil {
		t.Fatalf("token of the current key: %v", err)
	}
}

func kidOf(t *testing.T, tok string) string {
	h, _ := jwtParts(t, tok)
	kid, _ := h["kid"].(string)
	return kid
}

// TestWithSigningKey: the given key signs and is published under its thumbprint, its type
// decides the algorithm, and keys that do not fit are refused.
func TestWithSigningKey(t *testing.T) {
	t.Parallel()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]crypto.Signer{"RS256": sharedKey(), "ES256": ec} {
		srv := oidctest.NewServer(t, oidctest.WithClient(confidentialClient()), oidctest.WithSigningKey(key))
		tok := newRP(t, srv, confidentialClient()).login().rawID
		h, _ := jwtParts(t, tok)
		tp, err := (&jose.JSONWebKey{Key: key.Public()}).Thumbprint(crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if h["alg"] != name || h["kid"] != base64.RawURLEncoding.EncodeToString(tp) {
			t.Errorf("%s key: token header %v", name, h)
		}
	}

	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	for name, opts := range map[string][]oidctest.Option{
		"RSA 1024":           {oidctest.WithSigningKey(small)},
		"Ed25519":            {oidctest.WithSigningKey(ed)},
		"P-384":              {oidctest.WithSigningKey(p384)},
		"algorithm mismatch": {oidctest.WithSigningAlg("RS256"), oidctest.WithSigningKey(ec)},
	} {
		if _, err := oidctest.New(opts...); err == nil {
			t.Errorf("%s: New accepted the key", name)
		}
	}
}

// TestProgramsDoNotLinkTesting: a program that starts a provider with New links neither
// package testing nor package flag.
func TestProgramsDoNotLinkTesting(t *testing.T) {
	t.Parallel()
	out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for dep := range strings.FieldsSeq(string(out)) {
		if dep == "testing" || dep == "flag" {
			t.Errorf("package oidctest depends on %s", dep)
		}
	}
}
