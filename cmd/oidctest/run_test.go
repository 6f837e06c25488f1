package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// start runs the command in the background and returns its issuer and a
// function that stops it (as a signal would) and returns run's error.
func start(t *testing.T, args ...string) (issuer string, lines []string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), pw)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.HasPrefix(sc.Text(), "login: ") {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "issuer: ") {
		cancel()
		t.Fatalf("output %q, error %v", lines, <-done)
	}
	stop = func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(5 * time.Second):
			return errors.New("run did not return after cancellation")
		}
	}
	return strings.TrimPrefix(lines[0], "issuer: "), lines, stop
}

func TestRunServesAFullLoginAndStopsCleanly(t *testing.T) {
	t.Parallel()
	issuer, lines, stop := start(t, "-client-id", "demo", "-client-secret", "s3cret",
		"-redirect-uri", "http://127.0.0.1/cb", "-user-sub", "cli-user", "-alg", "ES256")
	if !strings.HasPrefix(issuer, "http://127.0.0.1:") || !strings.Contains(strings.Join(lines, "\n"), "client: demo (confidential)") {
		t.Fatalf("banner %q", lines)
	}
	ctx := t.Context()
	provider, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		t.Fatal(err)
	}
	conf := &oauth2.Config{ClientID: "demo", ClientSecret: "s3cret", Endpoint: provider.Endpoint(), RedirectURL: "http://127.0.0.1/cb", Scopes: []string{oidc.ScopeOpenID}}
	verifier := oauth2.GenerateVerifier()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("authorize: status %d", resp.StatusCode)
	}
	tok, err := conf.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	id, err := provider.Verifier(&oidc.Config{ClientID: "demo"}).Verify(ctx, tok.Extra("id_token").(string))
	if err != nil || id.Subject != "cli-user" {
		t.Fatalf("ID token %v %v", id, err)
	}

	if err := stop(); err != nil {
		t.Fatalf("run after stop: %v", err)
	}
	if _, err := http.Get(issuer + "/.well-known/openid-configuration"); err == nil {
		t.Fatal("still serving after stop")
	}
}

func TestRunLoginFormAndTLS(t *testing.T) {
	t.Parallel()
	cert := filepath.Join(t.TempDir(), "ca.pem")
	issuer, lines, stop := start(t, "-public", "-client-id", "spa", "-redirect-uri", "http://127.0.0.1/cb", "-login-form", "-tls", "-cert-out", cert)
	if !strings.HasPrefix(issuer, "https://") || lines[len(lines)-1] != "login: login form" {
		t.Fatalf("banner %q", lines)
	}
	pem, err := os.ReadFile(cert)
	if err != nil || !strings.Contains(string(pem), "BEGIN CERTIFICATE") {
		t.Fatalf("certificate file: %v", err)
	}
	q := url.Values{
		"client_id": {"spa"}, "redirect_uri": {"http://127.0.0.1/cb"}, "response_type": {"code"},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())}, "code_challenge_method": {"S256"},
	}
	client := trusting(t, cert)
	resp, err := client.Get(issuer + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "<form") {
		t.Fatalf("status %d, no form", resp.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestRunRefusesBadFlags(t *testing.T) {
	t.Parallel()
	for name, args := range map[string][]string{
		"no redirect":       {"-client-secret", "s"},
		"no secret":         {"-redirect-uri", "http://127.0.0.1/cb"},
		"bad alg":           {"-client-secret", "s", "-redirect-uri", "http://127.0.0.1/cb", "-alg", "HS256"},
		"relative redirect": {"-client-secret", "s", "-redirect-uri", "/cb"},
		"cert without tls":  {"-client-secret", "s", "-redirect-uri", "http://127.0.0.1/cb", "-cert-out", "x.pem"},
		"unknown flag":      {"-nope"},
		"stray argument":    {"-client-secret", "s", "-redirect-uri", "http://127.0.0.1/cb", "extra"},
		"unusable address":  {"-client-secret", "s", "-redirect-uri", "http://127.0.0.1/cb", "-addr", "256.0.0.1:1"},
	} {
		var out strings.Builder
		if err := run(t.Context(), args, &out); err == nil {
			t.Errorf("%s: run succeeded", name)
		}
	}
	var out strings.Builder
	if err := run(t.Context(), []string{"-h"}, &out); !errors.Is(err, flag.ErrHelp) || !strings.Contains(out.String(), "-redirect-uri") {
		t.Errorf("-h: %v, usage %q", err, out.String())
	}
}

func TestSignalContext(t *testing.T) {
	ctx, stop := signalContext(t.Context())
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("SIGTERM did not end the context")
	}
}

func TestRunDPoPFlags(t *testing.T) {
	t.Parallel()
	issuer, _, stop := start(t, "-client-id", "demo", "-client-secret", "s3cret",
		"-redirect-uri", "http://127.0.0.1/cb", "-dpop-required", "-dpop-nonce")
	defer stop()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"demo"}, "client_secret": {"s3cret"}}
	resp, err := http.PostForm(issuer+"/oauth/token", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(body), "invalid_dpop_proof") || resp.Header.Get("DPoP-Nonce") == "" {
		t.Errorf("a token request without a proof: %d %s (DPoP-Nonce %q), want 400 invalid_dpop_proof with a nonce",
			resp.StatusCode, body, resp.Header.Get("DPoP-Nonce"))
	}
}

func TestRunConnectionFlag(t *testing.T) {
	t.Parallel()
	issuer, _, stop := start(t, "-client-id", "demo", "-client-secret", "s3cret",
		"-redirect-uri", "http://127.0.0.1/cb", "-connection", "google-oauth2=calendar.readonly")
	defer stop()
	resp, err := http.Get(issuer + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "federated-connection-access-token") {
		t.Errorf("discovery does not list the Token Vault grant: %s", body)
	}
	form := url.Values{
		"grant_type":           {"urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token"},
		"subject_token":        {"unknown"},
		"subject_token_type":   {"urn:ietf:params:oauth:token-type:refresh_token"},
		"requested_token_type": {"http://auth0.com/oauth/token-type/federated-connection-access-token"},
		"connection":           {"google-oauth2"},
		"client_id":            {"demo"}, "client_secret": {"s3cret"},
	}
	resp, err = http.PostForm(issuer+"/oauth/token", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(body), "invalid_grant") {
		t.Errorf("an exchange of an unknown refresh token: %d %s, want invalid_grant", resp.StatusCode, body)
	}
	if err := run(t.Context(), []string{"-redirect-uri", "http://x/cb", "-public", "-connection", "=scope"}, io.Discard); err == nil {
		t.Error("a connection without a name was accepted")
	}
}
