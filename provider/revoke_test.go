package provider

import (
	"context"
	"errors"
	"testing"
)

func TestRevoke(t *testing.T) {
	t.Parallel()
	p, rec := op(t, 200, ``)
	if err := p.Revoke(context.Background(), refreshToken); err != nil {
		t.Fatal(err)
	}
	_, h, sent := rec.get()
	if sent.Get("token") != refreshToken || sent.Get("token_type_hint") != "refresh_token" || h.Get("Authorization") == "" {
		t.Errorf("server got form %v, Authorization %q", sent, h.Get("Authorization"))
	}
}

func TestRevokeNothing(t *testing.T) {
	t.Parallel()
	p, rec := op(t, 200, ``)
	if err := p.Revoke(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if method, _, _ := rec.get(); method != "" {
		t.Error("an empty token was sent for revocation")
	}
}

func TestRevokeErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status int
		body   string
		code   string
	}{
		{400, `{"error":"unsupported_token_type"}`, "unsupported_token_type"},
		{503, ``, ""},
	} {
		p, _ := op(t, tt.status, tt.body)
		err := p.Revoke(context.Background(), "tok")
		var e *Error
		if !errors.As(err, &e) || e.StatusCode != tt.status || e.Code != tt.code {
			t.Errorf("%d: got %v; want *Error %q", tt.status, err, tt.code)
		}
	}
}

// TestRevokeFollowsARotation: revoking a refresh token that a refresh has just rotated revokes
// the new one, which the rotation's request may have saved in the session; the old one is spent
// already. A provider that revokes only the token it is given would otherwise leave the new one
// alive.
func TestRevokeFollowsARotation(t *testing.T) {
	t.Parallel()
	p, rec := op(t, 200, `{"access_token":"at-2","refresh_token":"rt-2","token_type":"Bearer","expires_in":60}`)
	if _, err := p.Refresh(context.Background(), RefreshRequest{RefreshToken: "rt-1"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Revoke(context.Background(), "rt-1"); err != nil {
		t.Fatal(err)
	}
	if _, _, sent := rec.get(); sent.Get("token") != "rt-2" {
		t.Errorf("revoked %q, want the rotated token rt-2", sent.Get("token"))
	}
}
