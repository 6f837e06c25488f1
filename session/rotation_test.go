package session

import (
	"testing"
)

// TestRetiredSecretIsResealed: a cookie that only a retired secret opens is sealed again with
// the current secret on the request that reads it, so retiring the old secret for good signs
// nobody out.
func TestRetiredSecretIsResealed(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	store := NewMemoryStore(clk.Now)
	managers := map[string]func(secret string, retired ...string) Manager{
		"stateless": func(secret string, retired ...string) Manager {
			return newStateless(t, clk, func(c *StatelessConfig) { c.Secret, c.RetiredSecrets = secret, retired })
		},
		"stateful": func(secret string, retired ...string) Manager {
			m, err := NewStateful(StatefulConfig{Store: store, Secret: secret, RetiredSecrets: retired, Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			return m
		},
	}
	for name, newManager := range managers {
		t.Run(name, func(t *testing.T) {
			h := save(t, newManager(otherSecret), nil, smallSession(clk.Now()))
			rotated := newManager(testSecret, otherSecret)
			l := load(t, rotated, requestWith(h))
			if l.Session == nil {
				t.Fatal("a cookie sealed with a retired secret does not open")
			}
			if !l.Due {
				t.Fatal("a cookie sealed with a retired secret is not due to be sealed again")
			}
			resealed := save(t, rotated, l, l.Session)
			if l := load(t, newManager(testSecret), requestWith(resealed)); l.Session == nil {
				t.Error("the cookie written after the rotation does not open with the current secret alone")
			}
			if l := load(t, rotated, requestWith(save(t, rotated, nil, smallSession(clk.Now())))); l.Due {
				t.Error("a cookie sealed with the current secret is due at once")
			}
		})
	}
}
