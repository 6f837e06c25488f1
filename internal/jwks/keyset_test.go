package jwks

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

const payload = `{"sub":"alice"}`

// verify verifies tok and fails the test unless it gets payload back.
func mustVerify(t *testing.T, s *KeySet, tok string) {
	t.Helper()
	got, err := s.VerifySignature(context.Background(), tok)
	if err != nil || string(got) != payload {
		t.Fatalf("VerifySignature = %q, %v; want the payload", got, err)
	}
}

// checkFetches fails the test unless ks was fetched n times.
func checkFetches(t *testing.T, ks *keyServer, n int32) {
	t.Helper()
	if got := ks.fetches.Load(); got != n {
		t.Errorf("the key set was fetched %d times; want %d", got, n)
	}
}

func TestVerifyReturnsThePayload(t *testing.T) {
	t.Parallel()
	for _, alg := range []jose.SignatureAlgorithm{jose.RS256, jose.PS256, jose.ES256, jose.ES384, jose.EdDSA} {
		t.Run(string(alg), func(t *testing.T) {
			t.Parallel()
			k := newKey(t, "k1", alg)
			ks := newKeyServer(t, k)
			s := newKeySet(ks, newClock())
			mustVerify(t, s, k.sign(t, payload))
			mustVerify(t, s, k.sign(t, payload))
			checkFetches(t, ks, 1)
		})
	}
}

func TestUnknownKidWithinTheIntervalIsRefusedWithoutAFetch(t *testing.T) {
	t.Parallel()
	k1, unknown := newKey(t, "k1", jose.ES256), newKey(t, "made-up", jose.ES256)
	ks := newKeyServer(t, k1)
	clk := newClock()
	s := newKeySet(ks, clk)
	mustVerify(t, s, k1.sign(t, payload))

	tok := unknown.sign(t, payload)
	for range 10 {
		_, err := s.VerifySignature(context.Background(), tok)
		if !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("got %v; want ErrUnknownKey", err)
		}
		if strings.Contains(err.Error(), tok) {
			t.Errorf("the error holds the token: %v", err)
		}
	}
	clk.advance(DefaultRefetchInterval - 1)
	if _, err := s.VerifySignature(context.Background(), tok); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("got %v; want ErrUnknownKey", err)
	}
	checkFetches(t, ks, 1)
}

func TestUnknownKidAfterTheIntervalRefetchesOnce(t *testing.T) {
	t.Parallel()
	k1, unknown := newKey(t, "k1", jose.ES256), newKey(t, "made-up", jose.ES256)
	ks := newKeyServer(t, k1)
	clk := newClock()
	s := newKeySet(ks, clk)
	mustVerify(t, s, k1.sign(t, payload))

	clk.advance(DefaultRefetchInterval)
	tok := unknown.sign(t, payload)
	for range 5 {
		if _, err := s.VerifySignature(context.Background(), tok); !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("got %v; want ErrUnknownKey", err)
		}
	}
	checkFetches(t, ks, 2)
}

func TestKeyRotation(t *testing.T) {
	t.Parallel()
	k1, k2 := newKey(t, "k1", jose.ES256), newKey(t, "k2", jose.ES256)
	ks := newKeyServer(t, k1)
	clk := newClock()
	s := newKeySet(ks, clk)
	mustVerify(t, s, k1.sign(t, payload))

	ks.publish(t, k1, k2)
	clk.advance(DefaultRefetchInterval)
	mustVerify(t, s, k2.sign(t, payload))
	mustVerify(t, s, k1.sign(t, payload))
	mustVerify(t, s, k2.sign(t, payload))
	checkFetches(t, ks, 2)
}

func TestConfiguredRefetchInterval(t *testing.T) {
	t.Parallel()
	k1, k2 := newKey(t, "k1", jose.ES256), newKey(t, "k2", jose.ES256)
	ks := newKeyServer(t, k1)
	clk := newClock()
	s := New(Config{URL: ks.url, Now: clk.Now, RefetchInterval: DefaultRefetchInterval * 4})
	mustVerify(t, s, k1.sign(t, payload))

	ks.publish(t, k1, k2)
	clk.advance(DefaultRefetchInterval)
	if _, err := s.VerifySignature(context.Background(), k2.sign(t, payload)); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("got %v; want ErrUnknownKey within the configured interval", err)
	}
	clk.advance(3 * DefaultRefetchInterval)
	mustVerify(t, s, k2.sign(t, payload))
	checkFetches(t, ks, 2)
}

func TestConcurrentVerificationsShareOneFetch(t *testing.T) {
	t.Parallel()
	const callers = 16
	k1, k2 := newKey(t, "k1", jose.ES256), newKey(t, "k2", jose.ES256)
	ks := newKeyServer(t, k1)
	clk := newClock()
	s := newKeySet(ks, clk)

	// First use, then a rotation: each time every caller needs a fetch.
	for i, k := range []*testKey{k1, k2} {
		if i == 1 {
			ks.publish(t, k1, k2)
			clk.advance(DefaultRefetchInterval)
		}
		ks.arrived, ks.gate = make(chan struct{}, callers), make(chan struct{})
		tok := k.sign(t, payload)
		errs := make(chan error, callers)
		var started sync.WaitGroup
		for range callers {
			started.Add(1)
			go func() {
				started.Done()
				_, err := s.VerifySignature(context.Background(), tok)
				errs <- err
			}()
		}
		started.Wait()
		<-ks.arrived
		close(ks.gate)
		for range callers {
			if err := <-errs; err != nil {
				t.Errorf("a concurrent caller failed: %v", err)
			}
		}
		checkFetches(t, ks, int32(i+1))
	}
}

func TestTokenWithoutKid(t *testing.T) {
	t.Parallel()
	k := newKey(t, "", jose.ES256)
	other := newKey(t, "", jose.ES256)
	ks := newKeyServer(t, k)
	s := newKeySet(ks, newClock())
	mustVerify(t, s, k.sign(t, payload))
	if _, err := s.VerifySignature(context.Background(), other.sign(t, payload)); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("got %v; want ErrUnknownKey for a token no key verifies", err)
	}
	checkFetches(t, ks, 1)
}

func TestCancelledCallerDoesNotCancelTheFetch(t *testing.T) {
	t.Parallel()
	k := newKey(t, "k1", jose.ES256)
	ks := newKeyServer(t, k)
	ks.arrived, ks.gate = make(chan struct{}, 2), make(chan struct{})
	s := newKeySet(ks, newClock())
	tok := k.sign(t, payload)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.VerifySignature(ctx, tok)
		done <- err
	}()
	<-ks.arrived
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) || !errors.Is(err, ErrFetch) {
		t.Errorf("got %v; want ErrFetch wrapping context.Canceled", err)
	}
	close(ks.gate)
	mustVerify(t, s, tok)
	checkFetches(t, ks, 1)
}
