package session

import (
	"encoding/json"
	"testing"
)

func TestUserStandardClaims(t *testing.T) {
	t.Parallel()
	var u User
	raw := `{"sub":"auth0|42","name":"Ada Lovelace","nickname":"ada","given_name":"Ada","family_name":"Lovelace",
		"picture":"https://example.com/ada.png","email":"ada@example.com","email_verified":true,"org_id":"org_1"}`
	if err := json.Unmarshal([]byte(raw), &u); err != nil {
		t.Fatal(err)
	}
	got := []string{u.Subject(), u.Name(), u.Nickname(), u.GivenName(), u.FamilyName(), u.Picture(), u.Email(), u.OrgID()}
	want := []string{"auth0|42", "Ada Lovelace", "ada", "Ada", "Lovelace", "https://example.com/ada.png", "ada@example.com", "org_1"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("accessor %d = %q; want %q", i, got[i], want[i])
		}
	}
	if !u.EmailVerified() {
		t.Error("EmailVerified() = false")
	}
}

func TestUserClaimsOfAnotherTypeReadAsZero(t *testing.T) {
	t.Parallel()
	u := NewUser(map[string]any{"name": 42, "email_verified": "true", "email": []any{"a@example.com"}})
	if u.Name() != "" || u.EmailVerified() || u.Email() != "" || u.StringClaim("missing") != "" {
		t.Errorf("mistyped claims read as %q, %v, %q", u.Name(), u.EmailVerified(), u.Email())
	}
}

func TestUserCloneIsIndependent(t *testing.T) {
	t.Parallel()
	u := NewUser(map[string]any{"name": "Ada"})
	c := u.Clone()
	c.Set("name", "Grace")
	if u.Name() != "Ada" || c.Name() != "Grace" {
		t.Errorf("after changing the clone: original %q, clone %q", u.Name(), c.Name())
	}
}
