package jwks

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/authchain/authchain/internal/outbound"
)

// hmacToken returns a token signed with HS256 under kid.
func hmacToken(t *testing.T, secret []byte, kid string) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithHeader("kid", kid)
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: secret}, opts)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := s.Sign([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := jws.CompactSerialize()
	return out
}

// rawJWK returns the JSON of k with its members changed by edit.
func rawJWK(t *testing.T, k jose.JSONWebKey, edit func(map[string]any)) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	edit(m)
	b, _ = json.Marshal(m)
	return b
}

func TestRefusedTokens(t *testing.T) {
	t.Parallel()
	good := newKey(t, "good", jose.ES256)
	impostor := newKey(t, "good", jose.ES256) // another key under a published kid
	secret := []byte("0123456789abcdef0123456789abcdef")
	enc := newKey(t, "enc", jose.ES256)
	wrongAlg := newKey(t, "rs384", jose.RS256)
	private := newKey(t, "private", jose.ES256)

	set := []json.RawMessage{
		rawJWK(t, good.public(), func(map[string]any) {}),
		[]byte(`{"kty":"oct","kid":"hmac","k":"` + base64.RawURLEncoding.EncodeToString(secret) + `"}`),
		rawJWK(t, enc.public(), func(m map[string]any) { m["use"] = "enc" }),
		rawJWK(t, wrongAlg.public(), func(m map[string]any) { m["alg"] = "RS384" }),
		rawJWK(t, jose.JSONWebKey{Key: private.priv, KeyID: "private", Algorithm: "ES256"}, func(map[string]any) {}),
		[]byte(`{"kty":"unknown","kid":"odd"}`),
	}
	body, _ := json.Marshal(map[string]any{"keys": set})

	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"good"}`))
	claims := base64.RawURLEncoding.EncodeToString([]byte(payload))
	for _, tc := range []struct {
		name  string
		token string
		algs  []string
		want  error
	}{
		{"alg none", header + "." + claims + ".", nil, ErrMalformed},
		{"HMAC with a published symmetric key", hmacToken(t, secret, "hmac"), nil, ErrMalformed},
		{"not a compact JWS", "a.b", nil, ErrMalformed},
		{"an algorithm the caller does not allow", good.sign(t, payload), []string{"RS256"}, ErrMalformed},
		{"only HMAC allowed by the caller", good.sign(t, payload), []string{"HS256"}, ErrMalformed},
		{"a published kid, another key", impostor.sign(t, payload), nil, ErrInvalidSignature},
		{"a key for encryption", enc.sign(t, payload), nil, ErrUnknownKey},
		{"a key published for another algorithm", wrongAlg.sign(t, payload), nil, ErrUnknownKey},
		{"a private key in the set", private.sign(t, payload), nil, ErrUnknownKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ks := newKeyServer(t)
			ks.publishRaw(body)
			clk := newClock()
			s := newKeySet(ks, clk)
			mustVerify(t, s, good.sign(t, payload))
			clk.advance(DefaultRefetchInterval)

			got, err := s.Verify(context.Background(), tc.token, tc.algs)
			if !errors.Is(err, tc.want) || got != nil {
				t.Fatalf("got %q, %v; want %v", got, err, tc.want)
			}
			if strings.Contains(err.Error(), tc.token) {
				t.Errorf("the error holds the token: %v", err)
			}
			want := int32(1)
			if tc.want == ErrUnknownKey {
				want = 2 // the set may have changed: fetched again, once
			}
			checkFetches(t, ks, want)
		})
	}
}

func TestFetchFailures(t *testing.T) {
	t.Parallel()
	k := newKey(t, "k1", jose.ES256)
	for _, tc := range []struct {
		name    string
		prepare func(*keyServer)
	}{
		{"HTTP 500", func(ks *keyServer) { ks.fail(http.StatusInternalServerError) }},
		{"not JSON", func(ks *keyServer) { ks.publishRaw([]byte("<html>")) }},
		{"no keys member", func(ks *keyServer) { ks.publishRaw([]byte(`{"kid":"k1"}`)) }},
		{"larger than 1 MiB", func(ks *keyServer) {
			ks.publishRaw([]byte(`{"keys":[],"pad":"` + strings.Repeat("x", 1<<20) + `"}`))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ks := newKeyServer(t, k)
			tc.prepare(ks)
			clk := newClock()
			s := newKeySet(ks, clk)
			tok := k.sign(t, payload)

			if _, err := s.VerifySignature(context.Background(), tok); !errors.Is(err, ErrFetch) || !strings.Contains(err.Error(), ks.url) {
				t.Fatalf("got %v; want ErrFetch naming %s", err, ks.url)
			}
			// A failed fetch counts: no new one within the interval.
			if _, err := s.VerifySignature(context.Background(), tok); !errors.Is(err, ErrFetch) {
				t.Fatalf("got %v; want the last fetch's error", err)
			}
			checkFetches(t, ks, 1)

			ks.fail(0)
			ks.publish(t, k)
			clk.advance(DefaultRefetchInterval)
			mustVerify(t, s, tok)
			checkFetches(t, ks, 2)
		})
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	t.Parallel()
	k := newKey(t, "k1", jose.ES256)
	target := newKeyServer(t, k)
	srv := httptest.NewServer(http.RedirectHandler(target.url, http.StatusTemporaryRedirect))
	t.Cleanup(srv.Close)
	var followed atomic.Bool
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { followed.Store(true); return nil }
	s := New(Config{URL: srv.URL + "/jwks", Client: client, Now: newClock().Now})

	_, err := s.VerifySignature(context.Background(), k.sign(t, payload))
	var re *outbound.RedirectError
	if !errors.Is(err, ErrFetch) || !errors.As(err, &re) || re.StatusCode != http.StatusTemporaryRedirect {
		t.Fatalf("got %v; want ErrFetch with a 307 *RedirectError", err)
	}
	checkFetches(t, target, 0)
	if followed.Load() {
		t.Error("the given client's redirect policy was used")
	}
}
