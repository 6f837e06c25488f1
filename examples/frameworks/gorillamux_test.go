package frameworks_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/mux"
	"github.com/stretchr/testify/assert"

	"github.com/authchain/authchain"
)

// gorilla/mux runs r.Use middlewares only on requests that match a route, so authchain's
// routes need one: a PathPrefix("/auth/") route served by client.Handler(). A subrouter with
// its own Use(client.RequireAuth) protects a group of routes.
func gorillaRoutes(client *authchain.Client) http.Handler {
	r := mux.NewRouter()
	r.Use(client.Middleware)
	r.PathPrefix("/auth/").Handler(client.Handler())
	r.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("home")) })
	r.Handle("/dashboard", client.RequireAuth(http.HandlerFunc(greet))).Methods(http.MethodGet)
	account := r.PathPrefix("/account").Subrouter()
	account.Use(client.RequireAuth)
	account.HandleFunc("/profile", greet).Methods(http.MethodGet)
	return r
}

func TestGorillaMux(t *testing.T) {
	t.Run("RequireAuth on a route", func(t *testing.T) {
		newApp(t, appOptions{}, gorillaRoutes).checkLoginFlow(t, "/dashboard")
	})
	t.Run("Use on a subrouter", func(t *testing.T) {
		newApp(t, appOptions{}, gorillaRoutes).checkLoginFlow(t, "/account/profile")
	})
	t.Run("without the /auth/ route the login route is not found", func(t *testing.T) {
		a := newApp(t, appOptions{}, func(client *authchain.Client) http.Handler {
			r := mux.NewRouter()
			r.Use(client.Middleware)
			r.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {})
			return r
		})
		rec := httptest.NewRecorder()
		a.server.Config.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/auth/login", nil))
		assert.Equal(t, http.StatusNotFound, rec.Code, "mux answers 404 before any middleware runs")
	})
}
