package oidctest_test

import (
	"slices"
	"testing"
	"time"

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
