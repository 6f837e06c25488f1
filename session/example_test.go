package session_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/authchain/authchain/session"
)

const secret = "a-secret-of-at-least-32-bytes-for-examples"

func ExampleCodec() {
	codec, err := session.NewCodec(session.PurposeTransaction, secret)
	if err != nil {
		panic(err)
	}
	type transaction struct{ State, ReturnTo string }
	sealed, _ := codec.Encode("__txn_abc", transaction{State: "abc", ReturnTo: "/dashboard"})

	var txn transaction
	fmt.Println(codec.Decode("__txn_abc", sealed, &txn), txn.ReturnTo)
	// A sealed value does not open under another cookie name.
	fmt.Println(codec.Decode("__txn_xyz", sealed, &txn))
	// Output:
	// <nil> /dashboard
	// session: invalid cookie
}

func ExampleNewStateless() {
	m, err := session.NewStateless(session.StatelessConfig{
		Secret:   secret,
		Cookie:   session.CookieOptions{Secure: true},
		Lifetime: session.Lifetime{InactivityDuration: 7 * 24 * time.Hour, AbsoluteDuration: 30 * 24 * time.Hour},
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	// Write a session into a response…
	s := &session.Session{User: session.NewUser(map[string]any{"sub": "user_123", "name": "Jane"})}
	rec := httptest.NewRecorder()
	if err := m.Save(ctx, rec.Header(), nil, s, session.SaveOptions{NewSession: true}); err != nil {
		panic(err)
	}

	// …and read it back from the next request.
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range rec.Result().Cookies() {
		r.AddCookie(c)
	}
	l, _ := m.Load(ctx, r)
	fmt.Println(l.Session.User.StringClaim("name"), rec.Header().Get("Cache-Control"))
	// Output: Jane no-store
}

func ExampleNewStateful() {
	store := session.NewMemoryStore(nil)
	m, err := session.NewStateful(session.StatefulConfig{Store: store, Secret: secret})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	s := &session.Session{User: session.NewUser(map[string]any{"sub": "user_123"})}
	s.Internal.SID = "provider-session-1"
	rec := httptest.NewRecorder()
	if err := m.Save(ctx, rec.Header(), nil, s, session.SaveOptions{NewSession: true}); err != nil {
		panic(err)
	}
	fmt.Println("stored sessions:", store.Len())

	// A back-channel logout for the provider's session ends it on the server.
	n, _ := store.DeleteByLogoutToken(ctx, session.LogoutToken{SID: "provider-session-1"})
	fmt.Println("deleted:", n)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range rec.Result().Cookies() {
		r.AddCookie(c)
	}
	l, _ := m.Load(ctx, r)
	fmt.Println("signed in:", l.Session != nil)
	// Output:
	// stored sessions: 1
	// deleted: 1
	// signed in: false
}
