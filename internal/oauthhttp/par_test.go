package oauthhttp

import (
	"context"
	"errors"
	"net/url"
	"testing"
)

func TestPushAuthorization(t *testing.T) {
	t.Parallel()
	srv, rec := server(t, 201, `{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":60}`)
	form := url.Values{"response_type": {"code"}, "redirect_uri": {"https://app/cb"}, "state": {"s"}}

	uri, exp, err := PushAuthorization(context.Background(), srv.Client(), srv.URL, form, basic)
	if err != nil {
		t.Fatal(err)
	}
	if uri != "urn:ietf:params:oauth:request_uri:abc" || exp != 60 {
		t.Errorf("got %q, %d", uri, exp)
	}
	if _, h, sent := rec.get(); sent.Get("state") != "s" || h.Get("Authorization") == "" {
		t.Errorf("server got form %v without the client's credentials", sent)
	}
}

func TestPushAuthorizationFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		body      string
		malformed bool
	}{
		{"no request_uri", 201, `{"expires_in":60}`, true},
		{"no expires_in", 201, `{"request_uri":"urn:x"}`, true},
		{"negative expires_in", 201, `{"request_uri":"urn:x","expires_in":-1}`, true},
		{"garbage", 201, `request_uri=urn:x`, true},
		{"oauth error", 400, `{"error":"invalid_request","error_description":"bad redirect_uri"}`, false},
	}
	for _, tt := range tests {
		srv, _ := server(t, tt.status, tt.body)
		_, _, err := PushAuthorization(context.Background(), srv.Client(), srv.URL, url.Values{}, basic)
		var e *Error
		switch {
		case tt.malformed && !errors.Is(err, ErrMalformedResponse):
			t.Errorf("%s: got %v; want ErrMalformedResponse", tt.name, err)
		case !tt.malformed && (!errors.As(err, &e) || e.Code != "invalid_request"):
			t.Errorf("%s: got %v; want *Error invalid_request", tt.name, err)
		}
	}
}
