package oidctest_test

import (
	"errors"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/authchain/authchain/oidctest"
)

func TestIDTokenDefects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		defect oidctest.Defect
		// check returns nil when the relying party noticed the defect.
		check func(t *testing.T, r *rp, raw string, nonce string, accessToken string) error
	}{
		{"wrong issuer", oidctest.DefectWrongIssuer, goOIDCRefuses},
		{"wrong audience", oidctest.DefectWrongAudience, goOIDCRefuses},
		{"expired", oidctest.DefectExpired, func(t *testing.T, r *rp, raw, _, _ string) error {
			var expired *oidc.TokenExpiredError
			if _, err := r.verifier.Verify(r.ctx, raw); !errors.As(err, &expired) {
				return errors.New("not refused as expired")
			}
			return nil
		}},
		{"unknown kid", oidctest.DefectUnknownKID, goOIDCRefuses},
		{"alg none", oidctest.DefectAlgNone, func(t *testing.T, r *rp, raw, _, _ string) error {
			if h, _ := jwtParts(t, raw); h["alg"] != "none" {
				return errors.New("alg is not none")
			}
			return goOIDCRefuses(t, r, raw, "", "")
		}},
		{"bad signature", oidctest.DefectBadSignature, goOIDCRefuses},
		{"wrong nonce", oidctest.DefectWrongNonce, nonceRefused},
		{"missing nonce", oidctest.DefectMissingNonce, nonceRefused},
		{"issued in future", oidctest.DefectIssuedInFuture, func(t *testing.T, r *rp, raw, _, _ string) error {
			id, err := r.verifier.Verify(r.ctx, raw)
			if err != nil {
				return err
			}
			if d := id.IssuedAt.Sub(r.srv.Now()); d < 9*time.Minute {
				return errors.New("iat is not ahead of the clock")
			}
			return nil
		}},
		{"wrong subject", oidctest.DefectWrongSubject, func(t *testing.T, r *rp, raw, _, _ string) error {
			id, err := r.verifier.Verify(r.ctx, raw)
			if err != nil {
				return err
			}
			if id.Subject != oidctest.WrongSubject {
				return errors.New("sub is the user's")
			}
			return nil
		}},
		{"wrong at_hash", oidctest.DefectWrongAtHash, func(t *testing.T, r *rp, raw, _, at string) error {
			id, err := r.verifier.Verify(r.ctx, raw)
			if err != nil {
				return err
			}
			if id.VerifyAccessToken(at) == nil {
				return errors.New("at_hash matches")
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, oidctest.WithClient(confidentialClient()))
			r := newRP(t, srv, confidentialClient())
			srv.QueueIDTokenDefect(tc.defect)
			raw, nonce, at := exchangeRaw(t, r)
			if err := tc.check(t, r, raw, nonce, at); err != nil {
				t.Fatalf("defect not observable: %v", err)
			}
			// Only the next ID token is flawed.
			r.login()
		})
	}
}

// exchangeRaw runs a login without verifying the ID token.
func exchangeRaw(t *testing.T, r *rp) (rawID, nonce, accessToken string) {
	t.Helper()
	verifier, nonce := oauth2.GenerateVerifier(), "n-"+oauth2.GenerateVerifier()[:10]
	cb := r.authorize(r.conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)))
	tok, err := r.conf.Exchange(r.ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	rawID, _ = tok.Extra("id_token").(string)
	return rawID, nonce, tok.AccessToken
}

func goOIDCRefuses(_ *testing.T, r *rp, raw, _, _ string) error {
	if _, err := r.verifier.Verify(r.ctx, raw); err == nil {
		return errors.New("go-oidc accepted the token")
	}
	return nil
}

func nonceRefused(_ *testing.T, r *rp, raw, nonce, _ string) error {
	id, err := r.verifier.Verify(r.ctx, raw)
	if err != nil {
		return err
	}
	if id.Nonce == nonce {
		return errors.New("nonce matches")
	}
	return nil
}

func TestDefectsApplyInOrder(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	r := newRP(t, srv, confidentialClient())
	srv.QueueIDTokenDefect(oidctest.DefectWrongIssuer)
	srv.QueueIDTokenDefect(oidctest.DefectWrongAudience)
	for _, want := range []string{oidctest.WrongIssuer, srv.Issuer()} {
		raw, _, _ := exchangeRaw(t, r)
		if _, c := jwtParts(t, raw); c["iss"] != want {
			t.Fatalf("iss %v, want %s", c["iss"], want)
		}
	}
	r.login()
}

func TestIssParameterDefects(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	r := newRP(t, srv, confidentialClient())
	url := r.conf.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
	srv.QueueAuthorizeDefect(oidctest.DefectWrongIssParam)
	srv.QueueAuthorizeDefect(oidctest.DefectMissingIssParam)
	if q := r.authorize(url).Query(); q.Get("iss") != oidctest.WrongIssuer || q.Get("code") == "" {
		t.Errorf("wrong iss: %v", q)
	}
	if q := r.authorize(url).Query(); q.Has("iss") || q.Get("code") == "" {
		t.Errorf("missing iss: %v", q)
	}
	if q := r.authorize(url).Query(); q.Get("iss") != srv.Issuer() {
		t.Errorf("normal iss: %v", q)
	}
}
