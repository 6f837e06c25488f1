package session

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/authchain/authchain/token"
)

// The StdJSON benchmarks measure the session with encoding/json and struct tags in place of
// the hand-written JSON: the same cookie work, the user's claims still kept raw until read.

type stdTokenSet struct {
	AccessToken    string `json:"accessToken"`
	IDToken        string `json:"idToken,omitempty"`
	RefreshToken   string `json:"refreshToken,omitempty"`
	ExpiresAt      int64  `json:"expiresAt"`
	Scope          string `json:"scope,omitempty"`
	RequestedScope string `json:"requestedScope,omitempty"`
	Audience       string `json:"audience,omitempty"`
	TokenType      string `json:"token_type,omitempty"`
}

type stdAudienceToken struct {
	AccessToken    string `json:"accessToken"`
	Audience       string `json:"audience"`
	Scope          string `json:"scope,omitempty"`
	RequestedScope string `json:"requestedScope,omitempty"`
	ExpiresAt      int64  `json:"expiresAt"`
	TokenType      string `json:"token_type,omitempty"`
}

type stdInternal struct {
	SID       string `json:"sid"`
	CreatedAt int64  `json:"createdAt"`
	UpdatedAt int64  `json:"updatedAt,omitempty"`
	ExpiresAt int64  `json:"expiresAt,omitempty"`
}

type stdSession struct {
	User         json.RawMessage    `json:"user"`
	TokenSet     stdTokenSet        `json:"tokenSet"`
	AccessTokens []stdAudienceToken `json:"accessTokens,omitempty"`
	Internal     stdInternal        `json:"internal"`
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func fromUnix(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0)
}

// stdMarshal writes s with encoding/json.
func stdMarshal(s *Session) ([]byte, error) {
	user, err := s.User.appendJSON(nil)
	if err != nil {
		return nil, err
	}
	ts := s.TokenSet
	out := stdSession{
		User: user,
		TokenSet: stdTokenSet{ts.AccessToken, ts.IDToken, ts.RefreshToken, unix(ts.ExpiresAt), ts.Scope,
			ts.RequestedScope, ts.Audience, ts.TokenType},
		Internal: stdInternal{s.Internal.SID, unix(s.Internal.CreatedAt), unix(s.Internal.UpdatedAt), unix(s.Internal.ExpiresAt)},
	}
	for _, t := range s.AccessTokens {
		out.AccessTokens = append(out.AccessTokens, stdAudienceToken{t.AccessToken, t.Audience, t.Scope, t.RequestedScope, unix(t.ExpiresAt), t.TokenType})
	}
	if len(s.Custom) == 0 {
		return json.Marshal(out)
	}
	members := make(map[string]json.RawMessage, len(s.Custom)+4)
	for k, v := range s.Custom {
		members[k] = v
	}
	for k, v := range map[string]any{"user": out.User, "tokenSet": out.TokenSet, "accessTokens": out.AccessTokens, "internal": out.Internal} {
		if members[k], err = json.Marshal(v); err != nil {
			return nil, err
		}
	}
	return json.Marshal(members)
}

// stdUnmarshal reads a session with encoding/json; keys the library does not own go to Custom.
func stdUnmarshal(b []byte, s *Session) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return err
	}
	*s = Session{}
	var in stdSession
	for k, v := range members {
		var err error
		switch k {
		case "user":
			s.User = User{raw: string(v)}
		case "tokenSet":
			err = json.Unmarshal(v, &in.TokenSet)
		case "accessTokens":
			err = json.Unmarshal(v, &in.AccessTokens)
		case "internal":
			err = json.Unmarshal(v, &in.Internal)
		default:
			if s.Custom == nil {
				s.Custom = make(map[string]json.RawMessage, 2)
			}
			s.Custom[k] = v
		}
		if err != nil {
			return err
		}
	}
	ts := in.TokenSet
	s.TokenSet = token.Set{AccessToken: ts.AccessToken, IDToken: ts.IDToken, RefreshToken: ts.RefreshToken, ExpiresAt: fromUnix(ts.ExpiresAt),
		Scope: ts.Scope, RequestedScope: ts.RequestedScope, Audience: ts.Audience, TokenType: ts.TokenType}
	for _, t := range in.AccessTokens {
		s.AccessTokens = append(s.AccessTokens, token.AudienceToken{AccessToken: t.AccessToken, Audience: t.Audience, Scope: t.Scope,
			RequestedScope: t.RequestedScope, ExpiresAt: fromUnix(t.ExpiresAt), TokenType: t.TokenType})
	}
	s.Internal = Internal{SID: in.Internal.SID, CreatedAt: fromUnix(in.Internal.CreatedAt), UpdatedAt: fromUnix(in.Internal.UpdatedAt), ExpiresAt: fromUnix(in.Internal.ExpiresAt)}
	return nil
}

// loadStd is Stateless.Load with encoding/json.
func loadStd(m *Stateless, r *http.Request) *Session {
	found, carried, ok := family(r, m.cookie.Name)
	if !ok || carried == 0 {
		return nil
	}
	sealed, _, ok := joinValue(found)
	if !ok {
		return nil
	}
	plain, err := m.codec.Open(m.cookie.Name, sealed)
	if err != nil {
		return nil
	}
	s := new(Session)
	if err := stdUnmarshal(plain, s); err != nil || m.life.Expired(&s.Internal, m.now()) {
		return nil
	}
	return s
}

// saveStd is Stateless.Save with encoding/json.
func saveStd(m *Stateless, h http.Header, s *Session) error {
	now := m.now()
	m.life.stamp(&s.Internal, now)
	plain, err := stdMarshal(s)
	if err != nil {
		return err
	}
	sealed, err := m.codec.Seal(m.cookie.Name, plain)
	if err != nil {
		return err
	}
	writeValues(h, m.cookie, splitValue(sealed), s.Internal.ExpiresAt, now)
	noStore(h)
	return nil
}

// TestStdJSONMatches: the encoding/json variant reads and writes what the library does, so the
// benchmarks compare like with like.
func TestStdJSONMatches(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	s := realisticSession(clk.Now())
	s.AccessTokens = []token.AudienceToken{{AccessToken: "at2", Audience: "https://api2", ExpiresAt: clk.Now().Add(time.Hour).Truncate(time.Second)}}
	fast, _ := s.MarshalJSON()
	std, err := stdMarshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	_ = json.Unmarshal(fast, &a)
	_ = json.Unmarshal(std, &b)
	aj, _ := json.Marshal(a)
	bj, _ := json.Marshal(b)
	if string(aj) != string(bj) {
		t.Fatalf("encoding/json writes\n%s\nthe library writes\n%s", bj, aj)
	}
	var back Session
	if err := stdUnmarshal(fast, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := back.MarshalJSON()
	if string(again) != string(fast) {
		t.Fatalf("encoding/json reads back\n%s\nwant\n%s", again, fast)
	}
}

// BenchmarkSessionDecodeStdJSON is BenchmarkSessionDecode/securecookie with encoding/json.
func BenchmarkSessionDecodeStdJSON(b *testing.B) {
	clk := newTestClock()
	m, err := NewStateless(StatelessConfig{Secret: testSecret, Now: clk.Now, Format: FormatSecureCookie})
	if err != nil {
		b.Fatal(err)
	}
	s := realisticSession(clk.Now())
	plain, _ := s.MarshalJSON()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", cookieHeader(saveHeader(b, m, s)))
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	for b.Loop() {
		if loadStd(m, r) == nil {
			b.Fatal("no session")
		}
	}
}

// BenchmarkSessionEncodeStdJSON is BenchmarkSessionEncode/securecookie with encoding/json.
func BenchmarkSessionEncodeStdJSON(b *testing.B) {
	clk := newTestClock()
	m, err := NewStateless(StatelessConfig{Secret: testSecret, Now: clk.Now, Format: FormatSecureCookie})
	if err != nil {
		b.Fatal(err)
	}
	s := realisticSession(clk.Now())
	plain, _ := s.MarshalJSON()
	h := http.Header{}
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	for b.Loop() {
		clear(h)
		if err := saveStd(m, h, s); err != nil {
			b.Fatal(err)
		}
	}
}
