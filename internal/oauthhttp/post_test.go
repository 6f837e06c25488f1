package oauthhttp

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/internal/clientauth"
	"github.com/authchain/authchain/internal/outbound"
)

const refreshToken = "rt-very-secret-value"

var basic = clientauth.SecretBasic{ClientID: "client", Secret: "top-secret"}

func refreshForm() url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
}

func TestPostFormDecodesTokenResponse(t *testing.T) {
	t.Parallel()
	srv, rec := server(t, 200, `{"access_token":"at","token_type":"Bearer","refresh_token":"rt2",
		"id_token":"idt","scope":"openid offline_access","expires_in":3600,"extra":true}`)
	form := refreshForm()

	var tok TokenResponse
	if err := PostForm(context.Background(), srv.Client(), srv.URL, form, basic, &tok); err != nil {
		t.Fatal(err)
	}
	want := TokenResponse{AccessToken: "at", TokenType: "Bearer", RefreshToken: "rt2", IDToken: "idt",
		Scope: "openid offline_access", ExpiresIn: 3600}
	if tok != want {
		t.Errorf("got %+v; want %+v", tok, want)
	}

	method, h, sent := rec.get()
	if method != http.MethodPost || h.Get("Content-Type") != "application/x-www-form-urlencoded" || h.Get("Accept") != "application/json" {
		t.Errorf("method %s, Content-Type %q, Accept %q", method, h.Get("Content-Type"), h.Get("Accept"))
	}
	if user, pass, ok := (&http.Request{Header: h}).BasicAuth(); !ok || user != "client" || pass != "top-secret" {
		t.Errorf("Basic credentials %q/%q, %v", user, pass, ok)
	}
	if sent.Get("refresh_token") != refreshToken || sent.Get("grant_type") != "refresh_token" {
		t.Errorf("server got form %v", sent)
	}
}

func TestPostFormLeavesCallerFormAlone(t *testing.T) {
	t.Parallel()
	srv, rec := server(t, 200, `{}`)
	form := refreshForm()
	auth := clientauth.SecretPost{ClientID: "client", Secret: "top-secret"}
	if err := PostForm(context.Background(), srv.Client(), srv.URL, form, auth, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, sent := rec.get(); sent.Get("client_secret") != "top-secret" {
		t.Errorf("server got form %v; want client_secret", sent)
	}
	if form.Has("client_secret") || form.Has("client_id") {
		t.Errorf("the caller's form was modified: %v", form)
	}
}

func TestPostFormWithoutAuth(t *testing.T) {
	t.Parallel()
	srv, rec := server(t, 200, `{}`)
	if err := PostForm(context.Background(), srv.Client(), srv.URL, url.Values{"a": {"b"}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, h, sent := rec.get(); h.Get("Authorization") != "" || len(sent) != 1 {
		t.Errorf("Authorization %q, form %v", h.Get("Authorization"), sent)
	}
}

func TestPostFormAuthFailureSendsNothing(t *testing.T) {
	t.Parallel()
	srv, rec := server(t, 200, `{}`)
	err := PostForm(context.Background(), srv.Client(), srv.URL, refreshForm(), clientauth.SecretBasic{ClientID: "c"}, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "oauthhttp: client authentication") {
		t.Errorf("got %v; want a client authentication error", err)
	}
	if method, _, _ := rec.get(); method != "" {
		t.Error("a request was sent despite the authentication failure")
	}
}

func TestPostFormErrorAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		want   Error
	}{
		{"invalid_grant", 400, `{"error":"invalid_grant","error_description":"Unknown or invalid refresh token.","error_uri":"https://op/doc"}`,
			Error{StatusCode: 400, Code: "invalid_grant", Description: "Unknown or invalid refresh token.", URI: "https://op/doc"}},
		{"invalid_client", 401, `{"error":"invalid_client"}`, Error{StatusCode: 401, Code: "invalid_client"}},
		{"html 500", 500, `<html>oops</html>`, Error{StatusCode: 500}},
		{"empty 503", 503, ``, Error{StatusCode: 503}},
		{"json without error member", 400, `{"message":"bad"}`, Error{StatusCode: 400}},
		{"error member in a 200", 200, `{"error":"access_denied"}`, Error{StatusCode: 200, Code: "access_denied"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := server(t, tt.status, tt.body)
			var tok TokenResponse
			err := PostForm(context.Background(), srv.Client(), srv.URL, refreshForm(), basic, &tok)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v; want *Error", err)
			}
			if *e != tt.want {
				t.Errorf("got %+v; want %+v", *e, tt.want)
			}
			msg := e.Error()
			if !strings.HasPrefix(msg, "oauthhttp: ") || strings.Contains(msg, refreshToken) || strings.Contains(msg, "top-secret") {
				t.Errorf("message %q lacks the prefix or leaks request secrets", msg)
			}
			if tt.want.Code != "" && !strings.Contains(msg, tt.want.Code) {
				t.Errorf("message %q does not name the code", msg)
			}
			if errors.Is(err, ErrUnreachable) || errors.Is(err, ErrMalformedResponse) {
				t.Error("an answer from the server is neither unreachable nor malformed")
			}
		})
	}
}

func TestErrorMessageNeutralisesControlCharacters(t *testing.T) {
	t.Parallel()
	e := &Error{StatusCode: 400, Code: "invalid_request", Description: "bad\r\nX-Injected: 1"}
	if strings.ContainsAny(e.Error(), "\r\n") {
		t.Errorf("message %q carries raw line breaks", e.Error())
	}
}

func TestPostFormMalformedAnswers(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"not json":          `<html>hello</html>`,
		"truncated":         `{"access_token":"at"`,
		"empty":             ``,
		"wrong type":        `{"access_token":42}`,
		"fractional expiry": `{"access_token":"at","expires_in":3600.5}`,
		"word expiry":       `{"access_token":"at","expires_in":"soon"}`,
		"array":             `[1,2]`,
	} {
		srv, _ := server(t, 200, body)
		var tok TokenResponse
		err := PostForm(context.Background(), srv.Client(), srv.URL, refreshForm(), basic, &tok)
		if !errors.Is(err, ErrMalformedResponse) {
			t.Errorf("%s: got %v; want ErrMalformedResponse", name, err)
		}
	}
}

func TestPostFormOversizedAnswer(t *testing.T) {
	t.Parallel()
	srv, _ := server(t, 200, `{"access_token":"`+strings.Repeat("a", 2<<20)+`"}`)
	clients := map[string]*http.Client{
		"plain client":    srv.Client(),
		"outbound client": outbound.NewClient(srv.Client(), outbound.Options{MaxResponseBytes: 1000}),
	}
	for name, c := range clients {
		var tok TokenResponse
		err := PostForm(context.Background(), c, srv.URL, refreshForm(), basic, &tok)
		if !errors.Is(err, ErrMalformedResponse) {
			t.Errorf("%s: got %v; want ErrMalformedResponse", name, err)
		}
	}
}

func TestExpiresInForms(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]int64{
		`{"expires_in":86400}`:   86400,
		`{"expires_in":"3599"}`:  3599,
		`{"expires_in":null}`:    0,
		`{"access_token":"at"}`:  0,
		`{"expires_in":0}`:       0,
		`{"expires_in":"00060"}`: 60,
	} {
		srv, _ := server(t, 200, body)
		var tok TokenResponse
		if err := PostForm(context.Background(), srv.Client(), srv.URL, nil, nil, &tok); err != nil {
			t.Errorf("%s: %v", body, err)
		} else if tok.ExpiresIn != want {
			t.Errorf("%s: ExpiresIn = %d; want %d", body, tok.ExpiresIn, want)
		}
	}
}

func TestPostFormUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url, c := srv.URL, srv.Client()
	srv.Close()

	err := PostForm(context.Background(), c, url, refreshForm(), basic, nil)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("got %v; want ErrUnreachable", err)
	}
	var op *net.OpError
	if !errors.As(err, &op) {
		t.Errorf("the network cause is not reachable with errors.As: %v", err)
	}
	if strings.Contains(err.Error(), refreshToken) || strings.Contains(err.Error(), "top-secret") {
		t.Errorf("message %q leaks request secrets", err)
	}
}

func TestPostFormTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()

	err := PostForm(ctx, srv.Client(), srv.URL, refreshForm(), basic, nil)
	if !errors.Is(err, ErrUnreachable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v; want ErrUnreachable wrapping context.DeadlineExceeded", err)
	}
}

func TestPostFormRejectsBadInput(t *testing.T) {
	t.Parallel()
	if err := PostForm(context.Background(), nil, "https://op/token", nil, nil, nil); err == nil {
		t.Error("nil client accepted")
	}
	if err := PostForm(context.Background(), http.DefaultClient, "://bad", nil, nil, nil); err == nil || errors.Is(err, ErrUnreachable) {
		t.Errorf("bad endpoint: got %v; want a configuration error", err)
	}
}
