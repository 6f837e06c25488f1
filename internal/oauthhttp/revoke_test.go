package oauthhttp

import (
	"context"
	"errors"
	"testing"
)

func TestRevoke(t *testing.T) {
	t.Parallel()
	srv, rec := server(t, 200, ``)
	if err := Revoke(context.Background(), srv.Client(), srv.URL, refreshToken, HintRefreshToken, basic); err != nil {
		t.Fatal(err)
	}
	_, h, sent := rec.get()
	if sent.Get("token") != refreshToken || sent.Get("token_type_hint") != "refresh_token" || h.Get("Authorization") == "" {
		t.Errorf("server got form %v, Authorization %q", sent, h.Get("Authorization"))
	}
}

func TestRevokeWithoutHint(t *testing.T) {
	t.Parallel()
	srv, rec := server(t, 200, `{}`)
	if err := Revoke(context.Background(), srv.Client(), srv.URL, "at", "", basic); err != nil {
		t.Fatal(err)
	}
	if _, _, sent := rec.get(); sent.Has("token_type_hint") {
		t.Errorf("empty hint sent: %v", sent)
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
		srv, _ := server(t, tt.status, tt.body)
		err := Revoke(context.Background(), srv.Client(), srv.URL, "tok", "", basic)
		var e *Error
		if !errors.As(err, &e) || e.StatusCode != tt.status || e.Code != tt.code {
			t.Errorf("%d: got %v; want *Error %q", tt.status, err, tt.code)
		}
	}
	if err := Revoke(context.Background(), nil, "https://op/revoke", "", "", basic); err == nil {
		t.Error("revoking an empty token did not fail")
	}
}
