package authtest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/session"
)

func ExampleSessionCookies() {
	s := &session.Session{User: session.NewUser(map[string]any{"sub": "user_123", "name": "Jane"})}
	cookies, err := authtest.SessionCookies(s, authtest.Options{Secret: "the-application-secret-of-32-bytes-or-more"})
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/profile", nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	// r is now signed in as user_123 for an application using the same secret.
	fmt.Println(cookies[0].Name)
	// Output: __session
}
