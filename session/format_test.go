package session

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/token"
)

var formats = []CookieFormat{FormatNextJS, FormatSecureCookie}

func TestFormatsRoundTripAndRotate(t *testing.T) {
	t.Parallel()
	for _, f := range formats {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			clk := newTestClock()
			before := newStateless(t, clk, func(c *StatelessConfig) { c.Format, c.Secret = f, otherSecret })
			h := save(t, before, nil, realisticSession(clk.Now()))
			after := newStateless(t, clk, func(c *StatelessConfig) { c.Format, c.RetiredSecrets = f, []string{otherSecret} })
			l := load(t, after, requestWith(h))
			if l.Session == nil || !l.Due {
				t.Fatalf("a session sealed with a retired secret: read %v, due %v", l.Session != nil, l.Due)
			}
			if l.Session.User.Email() != "jane.doe@example.com" || l.Session.Subject() != realisticSession(clk.Now()).User.Subject() {
				t.Errorf("session changed: %+v", l.Session.Internal)
			}
			again := load(t, newStateless(t, clk, func(c *StatelessConfig) { c.Format = f }), requestWith(save(t, after, l, l.Session)))
			if again.Session == nil || again.Due {
				t.Error("the session written again with the current secret does not read without the retired one")
			}
		})
	}
}

// TestFormatMigration: with AcceptOtherFormat, a session sealed in the other format reads, is
// due, and its next write is in the configured format, deleting the cookies it replaces;
// without it, the session reads as signed out.
func TestFormatMigration(t *testing.T) {
	t.Parallel()
	for _, f := range formats {
		t.Run("to "+string(f), func(t *testing.T) {
			t.Parallel()
			clk := newTestClock()
			old := newStateless(t, clk, func(c *StatelessConfig) { c.Format = f.other() })
			h := save(t, old, nil, realisticSession(clk.Now()))

			strict := newStateless(t, clk, func(c *StatelessConfig) { c.Format = f })
			if l := load(t, strict, requestWith(h)); l.Session != nil {
				t.Fatal("a session of the other format read without AcceptOtherFormat")
			}
			m := newStateless(t, clk, func(c *StatelessConfig) { c.Format, c.AcceptOtherFormat = f, true })
			l := load(t, m, requestWith(h))
			if l.Session == nil || !l.Due {
				t.Fatalf("read %v, due %v: want a session due for rewriting", l.Session != nil, l.Due)
			}
			rewritten := save(t, m, l, l.Session)
			if l := load(t, strict, requestWith(rewritten)); l.Session == nil || l.Due {
				t.Errorf("the rewritten session is not in the format %s", f)
			}
			isJWE := strings.HasPrefix(setCookies(t, rewritten)["__session__0"].Value, jweHeader+".")
			if isJWE != (f == FormatNextJS) {
				t.Errorf("wrote a JWE = %v in the format %s", isJWE, f)
			}
		})
	}
}

func TestStatefulFormats(t *testing.T) {
	t.Parallel()
	for _, f := range formats {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			clk := newTestClock()
			store := NewMemoryStore(clk.Now)
			mk := func(format CookieFormat, other bool) *Stateful {
				m, err := NewStateful(StatefulConfig{Store: store, Secret: testSecret, Now: clk.Now, Format: format, AcceptOtherFormat: other})
				if err != nil {
					t.Fatal(err)
				}
				return m
			}
			h := save(t, mk(f, false), nil, smallSession(clk.Now()))
			if l := load(t, mk(f, false), requestWith(h)); l.Session == nil || l.Due {
				t.Fatal("the id cookie does not read back")
			}
			if l := load(t, mk(f.other(), false), requestWith(h)); l.Session != nil {
				t.Error("the id cookie read in the other format")
			}
			l := load(t, mk(f.other(), true), requestWith(h))
			if l.Session == nil || !l.Due {
				t.Fatal("with AcceptOtherFormat, the id cookie does not read, due for rewriting")
			}
			if again := load(t, mk(f.other(), false), requestWith(save(t, mk(f.other(), true), l, l.Session))); again.Session == nil {
				t.Error("the rewritten id cookie is not in the new format")
			}
		})
	}
}

func TestCookieFormatCheck(t *testing.T) {
	t.Parallel()
	if _, err := NewStateless(StatelessConfig{Secret: testSecret, Format: "jwe"}); err == nil {
		t.Error("an unknown format was accepted")
	}
	if CookieFormat("").WithDefault() != DefaultCookieFormat {
		t.Error("the empty format is not the default")
	}
}

// TestOriginalInternalMembersKept: the members of internal the library does not use (the
// original SDK's mcd, sessionExpiresAt) survive a write, and sessionExpiresAt ends the session
// 30 seconds early, as in the original.
func TestOriginalInternalMembersKept(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	now := clk.Now().Unix()
	raw := fmt.Sprintf(`{"user":{"sub":"u1"},"tokenSet":{"accessToken":"at","expiresAt":%d},`+
		`"internal":{"sid":"s1","createdAt":%d,"mcd":{"domain":"a.example.com","issuer":"https://a.example.com/"},"sessionExpiresAt":%d}}`,
		now+3600, now, now+600)
	s := new(Session)
	if err := s.UnmarshalJSON([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	for _, f := range formats {
		m := newStateless(t, clk, func(c *StatelessConfig) { c.Format = f })
		l := load(t, m, requestWith(save(t, m, nil, s.Clone())))
		if l.Session == nil {
			t.Fatalf("%s: no session", f)
		}
		out, err := l.Session.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), `"mcd":{"domain":"a.example.com","issuer":"https://a.example.com/"}`) ||
			!strings.Contains(string(out), fmt.Sprintf(`"sessionExpiresAt":%d`, now+600)) {
			t.Errorf("%s: internal members lost: %s", f, out)
		}
	}
	life := Lifetime{}.WithDefaults()
	if life.Expired(&s.Internal, clk.Now().Add(569*time.Second)) {
		t.Error("expired before sessionExpiresAt - 30 s")
	}
	if !life.Expired(&s.Internal, clk.Now().Add(570*time.Second)) {
		t.Error("not expired 30 s before sessionExpiresAt")
	}
}

// TestFormatsKeepConnectionTokens: the connection tokens of a session read back from the
// cookies of either format, the stateful store's too, each with its login hint.
func TestFormatsKeepConnectionTokens(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	s := smallSession(clk.Now())
	s.ConnectionTokens = []token.ConnectionToken{
		{AccessToken: "ct_1", Connection: "google-oauth2", Scope: "calendar", ExpiresAt: clk.Now().Add(time.Hour), TokenType: "Bearer"},
		{AccessToken: "ct_2", Connection: "google-oauth2", LoginHint: "ada@example.test", ExpiresAt: clk.Now().Add(time.Hour)},
	}
	managers := map[string]Manager{}
	for _, f := range formats {
		managers[string(f)] = newStateless(t, clk, func(c *StatelessConfig) { c.Format = f })
		sm, err := NewStateful(StatefulConfig{Store: NewMemoryStore(clk.Now), Secret: testSecret, Format: f, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		managers["stateful "+string(f)] = sm
	}
	for name, m := range managers {
		l := load(t, m, requestWith(save(t, m, nil, s.Clone())))
		if l.Session == nil || !reflect.DeepEqual(l.Session.ConnectionTokens, s.ConnectionTokens) {
			t.Errorf("%s: connection tokens read back as %+v", name, l.Session)
		}
	}
}
