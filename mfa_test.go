package authchain_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/token"
)

// mfaPages serves /details, which shows what AccessToken's MFA error carries, and /orders,
// which sends the user through a step-up login when the orders API demands MFA.
func mfaPages(c *authchain.Client) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/details", func(w http.ResponseWriter, r *http.Request) {
		_, err := c.AccessToken(w, r, authchain.WithAudience(ordersAPI))
		var te *token.Error
		var me *token.MFARequiredError
		if !errors.As(err, &te) || !errors.As(err, &me) {
			http.Error(w, fmt.Sprint("not an MFA error: ", err), http.StatusInternalServerError)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"code": te.Code, "mfa_token": me.MFAToken, "audience": me.Audience, "scope": me.Scope,
			"requirements": me.Requirements,
		})
	})
	mux.HandleFunc("/orders", func(w http.ResponseWriter, r *http.Request) {
		at, err := c.AccessToken(w, r, authchain.WithAudience(ordersAPI))
		if me := (*token.MFARequiredError)(nil); errors.As(err, &me) {
			c.StartLogin(w, r, authchain.StartLoginOptions{
				ReturnTo: "/orders",
				AuthorizationParameters: url.Values{
					"acr_values": {oidctest.MultiFactorACR}, "max_age": {"0"},
				},
			})
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, "orders token: ", at.Scope)
	})
	return mux
}

func newMFAApp(t *testing.T) *testApp {
	t.Helper()
	return newTestApp(t, appOptions{
		idp: []oidctest.Option{
			oidctest.WithAudienceScopes(ordersAPI, "read:orders"),
			oidctest.WithMFARequiredFor(ordersAPI),
		},
		config: func(c *authchain.Config) {
			c.AuthorizationParameters = url.Values{"audience": {loginAPI}}
			c.AudienceScopes = map[string]string{ordersAPI: "read:orders"}
		},
		handler: mfaPages,
	})
}

func TestMFARequiredErrorCarriesTheSealedTokenAndRequirements(t *testing.T) {
	t.Parallel()
	app := newMFAApp(t)
	b := newBrowser(t, true)
	app.login(b, "/")
	_, body := b.get(app.URL + "/details")
	var got struct {
		Code, Audience, Scope string
		MFAToken              string `json:"mfa_token"`
		Requirements          *token.MFARequirements
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	raw := app.IdP.MFATokens()
	if len(raw) != 1 {
		t.Fatalf("the provider issued %d mfa tokens", len(raw))
	}
	if got.Code != token.CodeMFARequired || got.Audience != ordersAPI || got.Scope != "read:orders" {
		t.Errorf("error %+v", got)
	}
	if got.Requirements == nil || len(got.Requirements.Challenge) != 1 || got.Requirements.Challenge[0].Type != "otp" {
		t.Errorf("requirements %+v", got.Requirements)
	}
	if got.MFAToken == "" || strings.Contains(body, raw[0]) {
		t.Fatalf("the mfa token is not sealed: %s", body)
	}
	opened, err := app.Client.OpenMFAToken(got.MFAToken)
	if err != nil {
		t.Fatal(err)
	}
	if opened.MFAToken != raw[0] || opened.Audience != ordersAPI || opened.Scope != "read:orders" {
		t.Errorf("opened %+v", opened)
	}
	if _, err := app.Client.OpenMFAToken(got.MFAToken + "x"); !errors.Is(err, mw.ErrInvalidMFAToken) {
		t.Errorf("a tampered token: %v", err)
	}
	app.IdP.Advance(6 * time.Minute)
	if _, err := app.Client.OpenMFAToken(got.MFAToken); !errors.Is(err, mw.ErrMFATokenExpired) {
		t.Errorf("an mfa token past its lifetime: %v", err)
	}
}

func TestAccessTokenRouteAnswersMFARequired(t *testing.T) {
	t.Parallel()
	app := newMFAApp(t)
	b := newBrowser(t, true)
	app.login(b, "/")
	resp, body := b.get(app.URL + "/auth/access-token?audience=" + url.QueryEscape(ordersAPI))
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("%d %q: %s", resp.StatusCode, resp.Header.Get("Cache-Control"), body)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	sealed, _ := got["mfa_token"].(string)
	if got["error"] != "mfa_required" || got["error_description"] == "" || sealed == "" {
		t.Errorf("body %s", body)
	}
	if want := `"mfa_requirements":{"challenge":[{"type":"otp"}]}`; !strings.Contains(body, want) {
		t.Errorf("body %s lacks %s", body, want)
	}
	if opened, err := app.Client.OpenMFAToken(sealed); err != nil || opened.MFAToken != app.IdP.MFATokens()[0] {
		t.Errorf("the route's mfa_token does not open to the provider's: %v", err)
	}
	// The login's own token needs no MFA.
	if resp, body := b.get(app.URL + "/auth/access-token"); resp.StatusCode != http.StatusOK {
		t.Errorf("default token: %d %s", resp.StatusCode, body)
	}
}

func TestStepUpLoginGetsTheTokenThatNeededMFA(t *testing.T) {
	t.Parallel()
	app := newMFAApp(t)
	b := newBrowser(t, true)
	app.login(b, "/")
	_, body := b.get(app.URL + "/orders")
	if body != "orders token: read:orders" {
		t.Fatalf("after the step-up login: %q", body)
	}
	var stepUp url.Values
	for _, r := range app.IdP.Requests() {
		if r.Endpoint == oidctest.EndpointAuthorize {
			stepUp = r.Form
		}
	}
	if stepUp.Get("acr_values") != oidctest.MultiFactorACR || stepUp.Get("max_age") != "0" {
		t.Errorf("the step-up login asked for %v", stepUp)
	}
	if n := len(app.IdP.MFATokens()); n != 1 {
		t.Errorf("%d mfa_required answers, want the one before the step-up", n)
	}
}
