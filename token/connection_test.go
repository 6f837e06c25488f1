package token

import (
	"encoding/json"
	"testing"
	"time"
)

func TestConnectionTokenJSONShape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   ConnectionToken
		want string
	}{
		{"every member", ConnectionToken{
			AccessToken: "ct", Connection: "google-oauth2", LoginHint: "ada@example.test",
			Scope: "https://www.googleapis.com/auth/calendar", ExpiresAt: time.Unix(1800000000, 0), TokenType: "Bearer",
		}, `{"accessToken":"ct","scope":"https://www.googleapis.com/auth/calendar","expiresAt":1800000000,"connection":"google-oauth2","loginHint":"ada@example.test","token_type":"Bearer"}`},
		{"the original's without a hint", ConnectionToken{
			AccessToken: "ct", Connection: "github", ExpiresAt: time.Unix(1800000000, 0),
		}, `{"accessToken":"ct","expiresAt":1800000000,"connection":"github"}`},
	} {
		b, err := json.Marshal(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("%s: JSON = %s\nwant   %s", tc.name, b, tc.want)
		}
		var back ConnectionToken
		if err := json.Unmarshal(b, &back); err != nil || back != tc.in {
			t.Errorf("%s: round trip = %+v, %v", tc.name, back, err)
		}
	}
}

// TestConnectionTokenReadsTheOriginalsEntries: the original writes expiresAt as a number of
// seconds (null when the provider sent no expires_in) and may add members of its own.
func TestConnectionTokenReadsTheOriginalsEntries(t *testing.T) {
	t.Parallel()
	var ct ConnectionToken
	in := `{"accessToken":"ct","expiresAt":null,"connection":"google-oauth2","extra":{"a":[1]}}`
	if err := json.Unmarshal([]byte(in), &ct); err != nil {
		t.Fatal(err)
	}
	if ct.AccessToken != "ct" || ct.Connection != "google-oauth2" || !ct.ExpiresAt.IsZero() {
		t.Errorf("read %+v", ct)
	}
	for _, bad := range []string{`{"accessToken":1}`, `{"connection":"x"`, `[]`, `{"expiresAt":"soon"}`} {
		if err := json.Unmarshal([]byte(bad), &ct); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestConnectionTokenExpired(t *testing.T) {
	t.Parallel()
	exp := time.Unix(1800000000, 0)
	ct := ConnectionToken{ExpiresAt: exp}
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
		if got := ct.Expired(tc.now, tc.buffer); got != tc.want {
			t.Errorf("Expired(%v before, buffer %v) = %v", exp.Sub(tc.now), tc.buffer, got)
		}
	}
	if !(&ConnectionToken{}).Expired(exp, 0) {
		t.Error("a token of unknown expiry is not expired: it would be reused forever")
	}
}
