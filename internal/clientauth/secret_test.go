package clientauth

import (
	"net/http"
	"net/url"
	"testing"
)

func newRequest(t *testing.T) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "https://op.example.com/oauth/token", nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestSecretBasicEncodesCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct{ id, secret, wantUser, wantPass string }{
		{"client", "secret", "client", "secret"},
		{"my:client", "s:ecret", "my%3Aclient", "s%3Aecret"},
		{"id%41", "100%", "id%2541", "100%25"},
		{"a b+c", "x/y=z&", "a+b%2Bc", "x%2Fy%3Dz%26"},
	}
	for _, tt := range tests {
		req, form := newRequest(t), url.Values{}
		if err := (SecretBasic{ClientID: tt.id, Secret: tt.secret}).Authenticate(req, form); err != nil {
			t.Fatal(err)
		}
		user, pass, ok := req.BasicAuth()
		if !ok || user != tt.wantUser || pass != tt.wantPass {
			t.Errorf("%q/%q: Basic credentials %q/%q; want %q/%q", tt.id, tt.secret, user, pass, tt.wantUser, tt.wantPass)
		}
		// A server decodes them back with the form-urlencoded rules.
		if u, _ := url.QueryUnescape(user); u != tt.id {
			t.Errorf("decoded id %q; want %q", u, tt.id)
		}
		if p, _ := url.QueryUnescape(pass); p != tt.secret {
			t.Errorf("decoded secret %q; want %q", p, tt.secret)
		}
		if len(form) != 0 {
			t.Errorf("client_secret_basic wrote form fields: %v", form)
		}
	}
}

func TestSecretPostSetsFormFields(t *testing.T) {
	t.Parallel()
	req, form := newRequest(t), url.Values{"grant_type": {"refresh_token"}}
	if err := (SecretPost{ClientID: "id:1", Secret: "s%2"}).Authenticate(req, form); err != nil {
		t.Fatal(err)
	}
	if form.Get("client_id") != "id:1" || form.Get("client_secret") != "s%2" || form.Get("grant_type") != "refresh_token" {
		t.Errorf("form = %v", form)
	}
	if req.Header.Get("Authorization") != "" {
		t.Error("client_secret_post set an Authorization header")
	}
}

func TestNoneSendsOnlyClientID(t *testing.T) {
	t.Parallel()
	req, form := newRequest(t), url.Values{}
	if err := (None{ClientID: "public"}).Authenticate(req, form); err != nil {
		t.Fatal(err)
	}
	if len(form) != 1 || form.Get("client_id") != "public" || req.Header.Get("Authorization") != "" {
		t.Errorf("form = %v, Authorization = %q", form, req.Header.Get("Authorization"))
	}
}

func TestMissingCredentialsAreErrors(t *testing.T) {
	t.Parallel()
	for name, a := range map[string]Authenticator{
		"basic without id":     SecretBasic{Secret: "s"},
		"basic without secret": SecretBasic{ClientID: "id"},
		"post without id":      SecretPost{Secret: "s"},
		"post without secret":  SecretPost{ClientID: "id"},
		"none without id":      None{},
	} {
		if err := a.Authenticate(newRequest(t), url.Values{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
