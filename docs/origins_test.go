package docs_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
)

// Config.AppBaseURLs serves one application on several origins: each login uses the callback
// URL of the origin it started on, and a request on any other origin is answered 400.
func Example_severalOrigins() {
	idp, err := oidctest.New(oidctest.WithClient(oidctest.Client{
		ID: clientID, Secret: clientSecret,
		RedirectURIs: []string{"https://app.example.com/auth/callback", "https://preview.example.com/auth/callback"},
	}))
	if err != nil {
		log.Fatal(err)
	}
	if err := idp.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer idp.Close()

	cfg := authchain.Config{
		AppBaseURLs: []string{"https://app.example.com", "https://preview.example.com"},
	}
	cfg.Domain, cfg.ClientID, cfg.ClientSecret, cfg.Secret = idp.Issuer(), clientID, clientSecret, appSecret
	cfg.AllowInsecureRequests = true
	client, err := authchain.New(cfg)
	if err != nil {
		log.Fatal(err)
	}

	login := func(target string, header ...string) {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		client.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusFound {
			fmt.Println(rec.Code)
			return
		}
		loc, _ := url.Parse(rec.Header().Get("Location"))
		fmt.Println(rec.Code, loc.Query().Get("redirect_uri"))
	}
	login("https://app.example.com/auth/login")
	login("https://preview.example.com/auth/login")
	login("https://evil.example/auth/login")
	login("https://app.example.com/auth/login", "X-Forwarded-Host", "evil.example")
	// Behind a proxy that names the origin the browser used:
	login("http://10.0.0.7:8080/auth/login", "X-Forwarded-Host", "preview.example.com", "X-Forwarded-Proto", "https")
	// Output:
	// 302 https://app.example.com/auth/callback
	// 302 https://preview.example.com/auth/callback
	// 400
	// 302 https://app.example.com/auth/callback
	// 302 https://preview.example.com/auth/callback
}
