package dpop_test

import (
	"fmt"
	"net/http"

	"golang.org/x/oauth2"

	"github.com/authchain/authchain/dpop"
)

// A Key makes one proof per request; Transport sends a DPoP token with a new proof each time.
func Example() {
	key, err := dpop.GenerateKey()
	if err != nil {
		panic(err)
	}
	proof, err := key.Proof(http.MethodGet, "https://api.example/items?page=2", "an-access-token")
	if err != nil {
		panic(err)
	}
	fmt.Println(key.Alg(), len(key.Thumbprint()), proof != "")

	tokens := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "an-access-token", TokenType: dpop.TokenTypeDPoP})
	api := &http.Client{Transport: &dpop.Transport{Source: tokens, Key: key}}
	_ = api // api.Get("https://api.example/items") sends Authorization: DPoP … and a DPoP proof
	// Output: ES256 43 true
}
