package provider_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/provider"
)

const (
	clientID     = "app"
	clientSecret = "app-secret"
	redirectURI  = "https://app.example.com/auth/callback"
)

var idpKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// memoryCoordinator is a Coordinator in memory, which the Providers of one test share as the
// instances of an application share Redis.
type memoryCoordinator struct {
	mu        sync.Mutex
	locks     map[string]chan struct{}
	published map[string][]byte
}

func newMemoryCoordinator() *memoryCoordinator {
	return &memoryCoordinator{locks: map[string]chan struct{}{}, published: map[string][]byte{}}
}

func (c *memoryCoordinator) Lock(ctx context.Context, key string, _ time.Duration) (func(), error) {
	c.mu.Lock()
	l, ok := c.locks[key]
	if !ok {
		l = make(chan struct{}, 1)
		c.locks[key] = l
	}
	c.mu.Unlock()
	select {
	case l <- struct{}{}:
		return func() { <-l }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *memoryCoordinator) Publish(_ context.Context, key string, result []byte, _ time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.published[key] = result
	return nil
}

func (c *memoryCoordinator) Published(_ context.Context, key string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.published[key], nil
}

// newIdP starts a provider that knows the test client, with opts.
func newIdP(t *testing.T, opts ...oidctest.Option) *oidctest.Server {
	t.Helper()
	return oidctest.NewServer(t, append([]oidctest.Option{oidctest.WithSigningKey(idpKey()), oidctest.WithClient(oidctest.Client{
		ID: clientID, Secret: clientSecret, RedirectURIs: []string{redirectURI},
	})}, opts...)...)
}

// newProvider returns a Provider of idp for the test client, with coord.
func newProvider(t *testing.T, idp *oidctest.Server, coord provider.Coordinator) *provider.Provider {
	t.Helper()
	p, err := provider.New(provider.Config{
		Issuer: idp.Issuer(), ClientID: clientID, ClientSecret: clientSecret, RedirectURI: redirectURI,
		HTTPClient: idp.HTTPClient(), AllowInsecureRequests: true, Now: idp.Now, Coordinator: coord,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// login runs a login at idp through p and returns its tokens.
func login(t *testing.T, idp *oidctest.Server, p *provider.Provider) *provider.Tokens {
	t.Helper()
	code, verifier := authorize(t, idp, p)
	tokens, err := p.Exchange(t.Context(), code, verifier, provider.IDTokenCheck{Nonce: "n", MaxAge: -1})
	if err != nil {
		t.Fatal(err)
	}
	return tokens
}

// authorize runs the authorization request of a login at idp through p and returns the code
// and its PKCE verifier.
func authorize(t *testing.T, idp *oidctest.Server, p *provider.Provider) (code, verifier string) {
	t.Helper()
	ctx := t.Context()
	verifier = rand.Text() + rand.Text()
	sum := sha256.Sum256([]byte(verifier))
	target, err := p.AuthorizationURL(ctx, url.Values{
		"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirectURI},
		"scope": {"openid profile offline_access"}, "state": {"s"}, "nonce": {"n"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	})
	if err != nil {
		t.Fatal(err)
	}
	hc := *idp.HTTPClient()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || back.Query().Get("code") == "" {
		t.Fatalf("the provider answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return back.Query().Get("code"), verifier
}

// TestCoordinatedRefreshSpendsTheRefreshTokenOnce: two instances (two Providers sharing a
// Coordinator) refreshing one refresh token at once call the provider once, and every request
// gets the same new tokens.
func TestCoordinatedRefreshSpendsTheRefreshTokenOnce(t *testing.T) {
	t.Parallel()
	idp := newIdP(t)
	coord := newMemoryCoordinator()
	instances := []*provider.Provider{newProvider(t, idp, coord), newProvider(t, idp, coord)}
	tokens := login(t, idp, instances[0])

	const requests = 20
	got := make([]*provider.RefreshResult, requests)
	errs := make([]error, requests)
	var wg sync.WaitGroup
	for i := range requests {
		wg.Go(func() {
			got[i], errs[i] = instances[i%2].Refresh(context.Background(), provider.RefreshRequest{
				RefreshToken: tokens.RefreshToken, Subject: tokens.Claims["sub"].(string),
			})
		})
	}
	wg.Wait()
	for i := range requests {
		if errs[i] != nil {
			t.Fatalf("request %d: %v", i, errs[i])
		}
		if got[i].Tokens.AccessToken != got[0].Tokens.AccessToken || got[i].Tokens.RefreshToken != got[0].Tokens.RefreshToken {
			t.Errorf("request %d got other tokens than request 0", i)
		}
	}
	if n := idp.Count(oidctest.EndpointToken, "refresh_token"); n != 1 {
		t.Errorf("the provider saw %d refreshes; want 1", n)
	}
	if n := idp.RefreshTokenReuses(); n != 0 {
		t.Errorf("the provider saw the refresh token reused %d times", n)
	}
}

// TestCoordinatedRefreshFollowsAnotherInstancesRotation: an instance asking for another scope
// with a refresh token that another instance rotated continues with the new refresh token and
// reports the rotation it followed.
func TestCoordinatedRefreshFollowsAnotherInstancesRotation(t *testing.T) {
	t.Parallel()
	idp := newIdP(t)
	coord := newMemoryCoordinator()
	a, b := newProvider(t, idp, coord), newProvider(t, idp, coord)
	tokens := login(t, idp, a)

	first, err := a.Refresh(t.Context(), provider.RefreshRequest{RefreshToken: tokens.RefreshToken})
	if err != nil {
		t.Fatal(err)
	}
	second, err := b.Refresh(t.Context(), provider.RefreshRequest{RefreshToken: tokens.RefreshToken, Scope: "openid"})
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Followed) != 1 || second.Followed[0].Tokens.RefreshToken != first.Tokens.RefreshToken {
		t.Fatalf("the second instance followed %d rotations; want the first instance's", len(second.Followed))
	}
	if n := idp.RefreshTokenReuses(); n != 0 {
		t.Errorf("the provider saw the refresh token reused %d times", n)
	}
	if n := idp.Count(oidctest.EndpointToken, "refresh_token"); n != 2 {
		t.Errorf("the provider saw %d refreshes; want 2 (one per scope)", n)
	}
}

// TestWithoutACoordinatorInstancesRefreshOnTheirOwn shows what the Coordinator prevents: two
// instances without one spend the refresh token twice.
func TestWithoutACoordinatorInstancesRefreshOnTheirOwn(t *testing.T) {
	t.Parallel()
	idp := newIdP(t)
	a, b := newProvider(t, idp, nil), newProvider(t, idp, nil)
	tokens := login(t, idp, a)
	if _, err := a.Refresh(t.Context(), provider.RefreshRequest{RefreshToken: tokens.RefreshToken}); err != nil {
		t.Fatal(err)
	}
	idp.Advance(time.Minute) // past the provider's reuse grace
	if _, err := b.Refresh(t.Context(), provider.RefreshRequest{RefreshToken: tokens.RefreshToken}); err == nil {
		t.Error("the second instance's refresh with a spent token succeeded")
	}
	if idp.RefreshTokenReuses() == 0 {
		t.Error("the provider saw no reuse")
	}
}
