package clientauth

import (
	"crypto"
	"crypto/elliptic"
	"reflect"
	"testing"
	"time"
)

func TestChoose(t *testing.T) {
	t.Parallel()
	key := ecKey(t, elliptic.P256())
	now := func() time.Time { return time.Unix(0, 0) }
	basic := SecretBasic{ClientID: "id", Secret: "s"}
	post := SecretPost{ClientID: "id", Secret: "s"}
	tests := []struct {
		name      string
		supported []string
		secret    string
		withKey   bool
		alg       string
		want      Authenticator // nil: want an error
	}{
		{"empty list defaults to basic", nil, "s", false, "", basic},
		{"basic listed", []string{"client_secret_post", "client_secret_basic"}, "s", false, "", basic},
		{"only post listed", []string{"client_secret_post", "private_key_jwt"}, "s", false, "", post},
		{"neither secret method listed", []string{"private_key_jwt", "tls_client_auth"}, "s", false, "", nil},
		{"no secret, no key", []string{"client_secret_basic"}, "", false, "", nil},
		{"no secret, no key, empty list", nil, "", false, "", nil},
		{"public client", []string{"client_secret_basic", "none"}, "", false, "", None{ClientID: "id"}},
		{"key wins over secret", []string{"client_secret_basic"}, "s", true, "",
			PrivateKeyJWT{ClientID: "id", Key: key, Audience: "https://op/", Now: now}},
		{"key with matching alg", nil, "", true, "ES256",
			PrivateKeyJWT{ClientID: "id", Key: key, Alg: "ES256", Audience: "https://op/", Now: now}},
		{"key with wrong alg", nil, "", true, "RS256", nil},
	}
	for _, tt := range tests {
		var k crypto.Signer
		if tt.withKey {
			k = key
		}
		got, err := Choose(tt.supported, "id", tt.secret, k, tt.alg, "https://op/", now)
		if tt.want == nil {
			if err == nil {
				t.Errorf("%s: got %T; want an error", tt.name, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if p, ok := got.(PrivateKeyJWT); ok {
			// Functions do not compare; check the clock is the one given.
			if p.Now == nil || !p.Now().Equal(now()) {
				t.Errorf("%s: clock not passed on", tt.name)
			}
			p.Now = nil
			got = p
			w := tt.want.(PrivateKeyJWT)
			w.Now = nil
			tt.want = w
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %#v; want %#v", tt.name, got, tt.want)
		}
	}
}

func TestChooseNeedsClientID(t *testing.T) {
	t.Parallel()
	if _, err := Choose(nil, "", "s", nil, "", "", nil); err == nil {
		t.Error("no error without a client id")
	}
}
