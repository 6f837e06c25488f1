package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/authchain/authchain/internal/clientauth"
	"github.com/authchain/authchain/internal/outbound"
)

const refreshToken = "rt-very-secret-value"

var basic = clientauth.SecretBasic{ClientID: "client", Secret: "top-secret"}

func refreshForm() url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
}

func TestPostFormDecodestokenResponse(t *testing.T) {
	t.Parallel()
	srv, rec := server(t, 200, `{"access_token":"at","token_type":"Bearer","refresh_token":"rt2",
		"id_token":"idt","scope":"openid offline_access","expires_in":3600,"extra":true}`)
	form := refreshForm()

	var tok tokenResponse
	if err := post(context.Background(), srv.Client(), srv.URL, form, basic, &tok); err != nil {
		t.Fatal(err)
	}
	want := tokenResponse{AccessToken: "at", TokenType: "Bearer", RefreshToken: "rt2", IDToken: "idt",
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
	if err := post(context.Background(), srv.Client(), srv.URL, form, auth, nil); err != nil {
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
	if err := post(context.Background(), srv.Client(), srv.URL, url.Values{"a": {"b"}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, h, sent := rec.get(); h.Get("Authorization") != "" || len(sent) != 1 {
		t.Errorf("Authorization %q, form %v", h.Get("Authorization"), sent)
	}
}

func TestPostFormAuthFailureSendsNothing(t *testing.T) {
	t.Parallel()
	srv, rec := server(t, 200, `{}`)
	err := post(context.Background(), srv.Client(), srv.URL, refreshForm(), clientauth.SecretBasic{ClientID: "c"}, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "provider: client authentication") {
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
			var tok tokenResponse
			err := post(context.Background(), srv.Client(), srv.URL, refreshForm(), basic, &tok)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v; want *Error", err)
			}
			if e.StatusCode != tt.want.StatusCode || e.Code != tt.want.Code || e.Description != tt.want.Description || e.URI != tt.want.URI {
				t.Errorf("got %+v; want %+v", *e, tt.want)
			}
			if string(e.Body) != tt.body {
				t.Errorf("Body = %q; want the raw answer %q", e.Body, tt.body)
			}
			msg := e.Error()
			if !strings.HasPrefix(msg, "provider: ") || strings.Contains(msg, refreshToken) || strings.Contains(msg, "top-secret") {
				t.Errorf("message %q lacks the prefix or leaks request secrets", msg)
			}
			if tt.want.Code != "" && !strings.Contains(msg, tt.want.Code) {
				t.Errorf("message %q does not name the code", msg)
			}
			if unavailable := tt.status >= 500 || tt.want.Code == ""; errors.Is(err, ErrUnavailable) != unavailable {
				t.Errorf("errors.Is(err, ErrUnavailable) = %v; want %v", !unavailable, unavailable)
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
		var tok tokenResponse
		err := post(context.Background(), srv.Client(), srv.URL, refreshForm(), basic, &tok)
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("%s: got %v; want ErrUnavailable", name, err)
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
		var tok tokenResponse
		err := post(context.Background(), c, srv.URL, refreshForm(), basic, &tok)
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("%s: got %v; want ErrUnavailable", name, err)
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
		var tok tokenResponse
		if err := post(context.Background(), srv.Client(), srv.URL, nil, nil, &tok); err != nil {
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

	err := post(context.Background(), c, url, refreshForm(), basic, nil)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("got %v; want ErrUnavailable", err)
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

	err := post(ctx, srv.Client(), srv.URL, refreshForm(), basic, nil)
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v; want ErrUnavailable wrapping context.DeadlineExceeded", err)
	}
}

func TestPostFormRejectsABadEndpoint(t *testing.T) {
	t.Parallel()
	if err := post(context.Background(), http.DefaultClient, "://bad", nil, nil, nil); !errors.Is(err, ErrUnavailable) {
		t.Errorf("bad endpoint: got %v; want ErrUnavailable", err)
	}
}

func TestErrorBodyIsBounded(t *testing.T) {
	t.Parallel()
	srv, _ := server(t, 400, `{"error":"invalid_request","error_description":"`+strings.Repeat("x", 2*MaxErrorBody)+`"}`)
	err := post(context.Background(), srv.Client(), srv.URL, refreshForm(), basic, nil)
	var e *Error
	if !errors.As(err, &e) || e.Code != "invalid_request" {
		t.Fatalf("got %v; want *Error invalid_request", err)
	}
	if len(e.Body) != MaxErrorBody {
		t.Errorf("len(Body) = %d; want MaxErrorBody", len(e.Body))
	}
}

// TestErrorIsARetrieveError: code written for x/oauth2 finds the provider's answer with
// errors.As(err, &*oauth2.RetrieveError).
func TestErrorIsARetrieveError(t *testing.T) {
	t.Parallel()
	srv, _ := server(t, 400, `{"error":"invalid_grant","error_description":"expired","error_uri":"https://op/doc"}`)
	err := fmt.Errorf("refreshing: %w", post(context.Background(), srv.Client(), srv.URL, refreshForm(), basic, nil))
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("errors.As(%v, *oauth2.RetrieveError) = false", err)
	}
	if re.ErrorCode != "invalid_grant" || re.ErrorDescription != "expired" || re.ErrorURI != "https://op/doc" ||
		re.Response == nil || re.Response.StatusCode != 400 || !strings.Contains(string(re.Body), "invalid_grant") {
		t.Errorf("got %+v", re)
	}
}
