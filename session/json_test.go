package session

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/authchain/authchain/token"
)

// originalShape is a session as the original SDK (or a test in another language) writes it.
const originalShape = `{
  "user": {"sub": "user_123", "name": "Jane", "email_verified": true, "roles": ["admin"]},
  "tokenSet": {"accessToken": "at_123", "idToken": "id_123", "refreshToken": "rt_123",
               "expiresAt": 1800003600, "scope": "openid profile", "requestedScope": "openid profile email",
               "audience": "urn:api", "token_type": "bearer", "somethingNew": {"x": [1, 2]}},
  "accessTokens": [{"accessToken": "at_other", "audience": "urn:other", "scope": "read:x",
                    "requestedScope": "read:x", "expiresAt": 1800007200.0}],
  "internal": {"sid": "auth0-sid", "createdAt": 1800000000, "mcd": {"domain": "x"}},
  "updatedAt": 1800000000123,
  "preferences": {"theme": "dark", "tags": ["a", "b"]},
  "connectionTokenSets": [{"accessToken": "ct_google", "scope": "calendar", "expiresAt": 1800003600,
                           "connection": "google-oauth2", "loginHint": "ada@example.test"}]
}`

func TestSessionReadsTheOriginalShape(t *testing.T) {
	t.Parallel()
	var s Session
	if err := json.Unmarshal([]byte(originalShape), &s); err != nil {
		t.Fatal(err)
	}
	if got := s.User.Subject(); got != "user_123" {
		t.Errorf("sub = %q", got)
	}
	if got := s.User.Get("roles"); !reflect.DeepEqual(got, []any{"admin"}) {
		t.Errorf("roles = %#v", got)
	}
	ts := s.TokenSet
	if ts.AccessToken != "at_123" || ts.IDToken != "id_123" || ts.RefreshToken != "rt_123" ||
		ts.Scope != "openid profile" || ts.RequestedScope != "openid profile email" ||
		ts.Audience != "urn:api" || ts.TokenType != "bearer" || ts.ExpiresAt.Unix() != 1800003600 {
		t.Errorf("token set = %+v", ts)
	}
	if len(s.AccessTokens) != 1 || s.AccessTokens[0].Audience != "urn:other" || s.AccessTokens[0].ExpiresAt.Unix() != 1800007200 {
		t.Errorf("access tokens = %+v", s.AccessTokens)
	}
	if len(s.ConnectionTokens) != 1 || s.ConnectionTokens[0] != (token.ConnectionToken{
		AccessToken: "ct_google", Scope: "calendar", ExpiresAt: time.Unix(1800003600, 0),
		Connection: "google-oauth2", LoginHint: "ada@example.test",
	}) {
		t.Errorf("connection tokens = %+v", s.ConnectionTokens)
	}
	if s.Internal.SID != "auth0-sid" || s.Internal.CreatedAt.Unix() != 1800000000 || s.Internal.Subject != "" {
		t.Errorf("internal = %+v", s.Internal)
	}
	if _, ok := s.Custom["connectionTokenSets"]; ok {
		t.Error("connectionTokenSets is kept as a custom key too")
	}
	for _, key := range []string{"updatedAt", "preferences"} {
		if _, ok := s.Custom[key]; !ok {
			t.Errorf("custom key %q lost", key)
		}
	}
	var prefs struct{ Theme string }
	if ok, err := s.GetCustom("preferences", &prefs); !ok || err != nil || prefs.Theme != "dark" {
		t.Errorf("GetCustom = %v, %v, %+v", ok, err, prefs)
	}
}

func TestSessionJSONRoundTrip(t *testing.T) {
	t.Parallel()
	var s Session
	if err := json.Unmarshal([]byte(originalShape), &s); err != nil {
		t.Fatal(err)
	}
	s.User.Set("locale", "fr")
	s.Internal.Subject = "user_123"
	if err := s.SetCustom("cart", []int{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	var back Session
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("re-reading %s: %v", out, err)
	}
	if back.User.StringClaim("locale") != "fr" || back.User.Subject() != "user_123" {
		t.Errorf("user after round trip = %v", back.User.Claims())
	}
	if !reflect.DeepEqual(back.TokenSet, s.TokenSet) || !reflect.DeepEqual(back.AccessTokens, s.AccessTokens) ||
		!reflect.DeepEqual(back.ConnectionTokens, s.ConnectionTokens) {
		t.Errorf("tokens changed:\n%+v\n%+v", s.TokenSet, back.TokenSet)
	}
	if back.Internal != s.Internal {
		t.Errorf("internal changed: %+v, want %+v", back.Internal, s.Internal)
	}
	if len(back.Custom) != len(s.Custom) {
		t.Errorf("custom keys changed: %s vs %s", back.Custom, s.Custom)
	}
	for k, v := range s.Custom {
		if compact(t, back.Custom[k]) != compact(t, v) {
			t.Errorf("custom key %q: %s, want %s", k, back.Custom[k], v)
		}
	}
	// The JSON is the original's shape, readable by any JSON library.
	var generic map[string]any
	if err := json.Unmarshal(out, &generic); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"user", "tokenSet", "accessTokens", "connectionTokenSets", "internal", "preferences", "cart"} {
		if _, ok := generic[key]; !ok {
			t.Errorf("key %q missing from %s", key, out)
		}
	}
}

func compact(t *testing.T, raw []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return b.String()
}

func TestSessionJSONEscapesStrings(t *testing.T) {
	t.Parallel()
	odd := "quote\" back\\ nl\n tab\t ctl\x01 uni é \u2028 bad\xff"
	s := &Session{Internal: Internal{SID: odd, Subject: odd, CreatedAt: time.Unix(1, 0)}}
	out, err := s.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(out) {
		t.Fatalf("invalid JSON: %s", out)
	}
	var back Session
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	var want string
	std, _ := json.Marshal(s.Internal.SID)
	_ = json.Unmarshal(std, &want)
	if back.Internal.SID != want || back.Internal.Subject != want {
		t.Errorf("sid = %q, sub = %q, want %q", back.Internal.SID, back.Internal.Subject, want)
	}
}

func TestSessionRejectsMalformedJSON(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		``, `null`, `[]`, `{`, `{"user":}`, `{"user":"x"}`, `{"user":{"a":}}`, `{"tokenSet":{"accessToken":1}}`,
		`{"internal":{"createdAt":"x"}}`, `{"internal":{"sub":1}}`, `{"x":tru}`, `{"x":"\q"}`, `{"x":1}x`, `{"accessTokens":{}}`,
		`{"connectionTokenSets":{}}`, `{"connectionTokenSets":[{"accessToken":1}]}`,
		`{"x":"` + "\x01" + `"}`, `{"x":[1,]}`, `{"x":01}`,
	} {
		var s Session
		if err := s.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestUserDecodesLazilyAndKeepsChanges(t *testing.T) {
	t.Parallel()
	var s Session
	if err := s.UnmarshalJSON([]byte(`{"user":{"sub":"u1","name":"N"},"internal":{"createdAt":1}}`)); err != nil {
		t.Fatal(err)
	}
	if s.User.claims != nil {
		t.Fatal("claims decoded before anything read them")
	}
	if s.User.IsZero() {
		t.Error("IsZero on a user with claims")
	}
	s.User.Claims()["name"] = "Changed"
	out, _ := s.MarshalJSON()
	var back Session
	_ = back.UnmarshalJSON(out)
	if back.User.StringClaim("name") != "Changed" {
		t.Errorf("change lost: %s", out)
	}
}

func TestSetCustomRefusesReservedKeys(t *testing.T) {
	t.Parallel()
	var s Session
	for _, k := range []string{"user", "tokenSet", "accessTokens", "connectionTokenSets", "internal"} {
		if err := s.SetCustom(k, 1); err == nil {
			t.Errorf("SetCustom(%q) accepted", k)
		}
	}
}

func TestCloneIsDeep(t *testing.T) {
	t.Parallel()
	s := realisticSession(time.Unix(1_800_000_000, 0))
	_ = s.SetCustom("k", "v")
	s.ConnectionTokens = []token.ConnectionToken{{AccessToken: "ct", Connection: "github"}}
	c := s.Clone()
	c.User.Set("name", "Other")
	c.Custom["k"][1] = 'X'
	c.ConnectionTokens[0].AccessToken = "other"
	if s.User.StringClaim("name") != "Jane Doe" || string(s.Custom["k"]) != `"v"` || s.ConnectionTokens[0].AccessToken != "ct" {
		t.Error("changing the clone changed the original")
	}
}
