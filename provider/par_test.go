package provider

import (
	"context"
	"errors"
	"net/url"
	"testing"
)

func TestAuthorizationURLPushesTheRequest(t *testing.T) {
	t.Parallel()
	p, rec := op(t, 201, `{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":60}`)
	form := url.Values{"response_type": {"code"}, "redirect_uri": {"https://app/cb"}, "state": {"s"}}
	target, err := p.AuthorizationURL(context.Background(), form)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(target)
	if q := u.Query(); u.Path != "/authorize" || q.Get("request_uri") != "urn:ietf:params:oauth:request_uri:abc" ||
		q.Get("client_id") != "client" || q.Has("state") {
		t.Errorf("authorization URL %s; want /authorize with only client_id and request_uri", target)
	}
	if _, h, sent := rec.get(); sent.Get("state") != "s" || h.Get("Authorization") == "" {
		t.Errorf("the PAR endpoint got form %v without the client's credentials", sent)
	}
}

func TestAuthorizationURLPushFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		body        string
		unavailable bool
	}{
		{"no request_uri", 201, `{"expires_in":60}`, true},
		{"no expires_in", 201, `{"request_uri":"urn:x"}`, true},
		{"negative expires_in", 201, `{"request_uri":"urn:x","expires_in":-1}`, true},
		{"garbage", 201, `request_uri=urn:x`, true},
		{"oauth error", 400, `{"error":"invalid_request","error_description":"bad redirect_uri"}`, false},
	}
	for _, tt := range tests {
		p, _ := op(t, tt.status, tt.body)
		_, err := p.AuthorizationURL(context.Background(), url.Values{})
		var e *Error
		switch {
		case tt.unavailable && !errors.Is(err, ErrUnavailable):
			t.Errorf("%s: got %v; want ErrUnavailable", tt.name, err)
		case !tt.unavailable && (!errors.As(err, &e) || e.Code != "invalid_request" || errors.Is(err, ErrUnavailable)):
			t.Errorf("%s: got %v; want *Error invalid_request", tt.name, err)
		}
	}
}
