package token

import (
	"encoding/json"
	"testing"
	"time"
)

func TestSetJSONShape(t *testing.T) {
	t.Parallel()
	s := Set{AccessToken: "at", IDToken: "id", RefreshToken: "rt", ExpiresAt: time.Unix(1800000000, 0), Scope: "openid", TokenType: "Bearer"}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"accessToken":"at","idToken":"id","refreshToken":"rt","expiresAt":1800000000,"scope":"openid","token_type":"Bearer"}`
	if string(b) != want {
		t.Errorf("JSON = %s\nwant   %s", b, want)
	}
	var back Set
	if err := json.Unmarshal(b, &back); err != nil || back != s {
		t.Errorf("round trip = %+v, %v", back, err)
	}
}

func TestExpired(t *testing.T) {
	t.Parallel()
	exp := time.Unix(1800000000, 0)
	s := Set{ExpiresAt: exp}
	for _, tc := range []struct {
		now    time.Time
		buffer time.Duration
		want   bool
	}{
		{exp.Add(-time.Second), 0, false},
		{exp, 0, true},
		{exp.Add(-time.Minute), time.Minute, true},
		{exp.Add(-time.Minute - time.Second), time.Minute, false},
	} {
		if got := s.Expired(tc.now, tc.buffer); got != tc.want {
			t.Errorf("Expired(%v before, buffer %v) = %v", exp.Sub(tc.now), tc.buffer, got)
		}
	}
	if (&Set{}).Expired(exp, 0) {
		t.Error("a set without expiry is expired")
	}
	at := AudienceToken{ExpiresAt: exp}
	if !at.Expired(exp, 0) || at.Expired(exp.Add(-time.Second), 0) {
		t.Error("AudienceToken.Expired is wrong at the boundary")
	}
}
