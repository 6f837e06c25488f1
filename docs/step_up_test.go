package docs_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/token"
)

// One refresh token gives tokens for several APIs, each asked for with its own default scope.
func Example_audienceScopes() {
	cfg := authchain.Config{
		AuthorizationParameters: url.Values{"audience": {"https://api.example.com"}},
		AudienceScopes: map[string]string{
			"https://orders.example.com":  "read:orders",
			"https://billing.example.com": "read:invoices",
		},
	}
	tb := start(cfg, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /scopes", func(w http.ResponseWriter, r *http.Request) {
			orders, err := client.AccessToken(w, r, authchain.WithAudience("https://orders.example.com"))
			if err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			// write:orders is merged with the audience's read:orders.
			writer, err := client.AccessToken(w, r,
				authchain.WithAudience("https://orders.example.com"), authchain.WithScope("write:orders"))
			if err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			billing, err := client.AccessToken(w, r, authchain.WithAudience("https://billing.example.com"))
			if err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			fmt.Fprintf(w, "%s | %s | %s", orders.Scope, writer.Scope, billing.Scope)
		})
		return client.Middleware(mux)
	},
		oidctest.WithAudienceScopes("https://orders.example.com", "read:orders", "write:orders"),
		oidctest.WithAudienceScopes("https://billing.example.com", "read:invoices"))
	defer tb.Close()

	tb.Get("/auth/login")
	_, _, body := tb.Get("/scopes")
	fmt.Println(body)
	// Output:
	// read:orders | read:orders write:orders | read:invoices
}

// When an API demands multi-factor authentication, the handler sends the user through a
// step-up login and back.
func Example_stepUpMFA() {
	cfg := authchain.Config{
		AuthorizationParameters: url.Values{"audience": {"https://api.example.com"}},
		AudienceScopes:          map[string]string{"https://payments.example.com": "pay"},
	}
	tb := start(cfg, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /pay", func(w http.ResponseWriter, r *http.Request) {
			at, err := client.AccessToken(w, r, authchain.WithAudience("https://payments.example.com"))
			var mfa *token.MFARequiredError
			switch {
			case errors.As(err, &mfa):
				client.StartLogin(w, r, authchain.StartLoginOptions{
					ReturnTo: "/pay",
					AuthorizationParameters: url.Values{
						"acr_values": {"http://schemas.openid.net/pape/policies/2007/06/multi-factor"},
						"max_age":    {"0"}, // authenticate again, whatever the provider's session
					},
				})
				return
			case err != nil:
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			fmt.Fprint(w, "paid with a token for ", at.Scope)
		})
		return client.Middleware(mux)
	},
		oidctest.WithAudienceScopes("https://payments.example.com", "pay"),
		oidctest.WithMFARequiredFor("https://payments.example.com"))
	defer tb.Close()

	tb.Get("/auth/login")
	status, _, body := tb.Fetch(http.MethodGet, "/auth/access-token?audience="+url.QueryEscape("https://payments.example.com"))
	var answer struct {
		Error           string                 `json:"error"`
		MFAToken        string                 `json:"mfa_token"`
		MFARequirements *token.MFARequirements `json:"mfa_requirements"`
	}
	_ = json.Unmarshal([]byte(body), &answer)
	opened, err := tb.Client.OpenMFAToken(answer.MFAToken)
	fmt.Println(status, answer.Error, answer.MFARequirements.Challenge[0].Type, err == nil && opened.Audience == "https://payments.example.com")
	_, at, body := tb.Get("/pay")
	fmt.Println(at, body)
	// Output:
	// 403 mfa_required otp true
	// /pay paid with a token for pay
}
