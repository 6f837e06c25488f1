package jwks

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// TestRemovedKeyIsDroppedAfterTheMaxAge: a key the provider no longer publishes (retired, or
// compromised and removed) stops verifying tokens once the cached set is older than the max
// age: the set is fetched again before it is used.
func TestRemovedKeyIsDroppedAfterTheMaxAge(t *testing.T) {
	t.Parallel()
	k1, k2 := newKey(t, "k1", jose.ES256), newKey(t, "k2", jose.ES256)
	ks := newKeyServer(t, k1)
	clk := newClock()
	s := newKeySet(ks, clk)
	mustVerify(t, s, k1.sign(t, payload))

	ks.publish(t, k2) // k1 is withdrawn
	clk.advance(DefaultMaxAge - 1)
	mustVerify(t, s, k1.sign(t, payload)) // still within the max age: no fetch
	checkFetches(t, ks, 1)

	clk.advance(1)
	if _, err := s.VerifySignature(context.Background(), k1.sign(t, payload)); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("a withdrawn key after the max age: %v, want ErrUnknownKey", err)
	}
	mustVerify(t, s, k2.sign(t, payload))
	checkFetches(t, ks, 2)
}

// TestStaleSetThatCannotBeFetchedIsNotUsed: past the max age, a set that cannot be fetched
// again is an ErrFetch, not a reason to keep trusting the old keys.
func TestStaleSetThatCannotBeFetchedIsNotUsed(t *testing.T) {
	t.Parallel()
	k1 := newKey(t, "k1", jose.ES256)
	ks := newKeyServer(t, k1)
	clk := newClock()
	s := newKeySet(ks, clk)
	mustVerify(t, s, k1.sign(t, payload))
	ks.fail(http.StatusServiceUnavailable)
	clk.advance(DefaultMaxAge)
	if _, err := s.VerifySignature(context.Background(), k1.sign(t, payload)); !errors.Is(err, ErrFetch) {
		t.Fatalf("a stale set that cannot be fetched: %v, want ErrFetch", err)
	}
	ks.fail(0)
	clk.advance(DefaultRefetchInterval)
	mustVerify(t, s, k1.sign(t, payload))
}
