package frameworks_test

import (
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/authchain/authchain"
)

// chi runs r.Use middlewares before routing, so client.Middleware serves /auth/* without a
// route of its own; r.With(client.RequireAuth) protects single routes.
func chiRoutes(client *authchain.Client) http.Handler {
	r := chi.NewRouter()
	r.Use(client.Middleware)
	r.Get("/", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("home")) })
	r.With(client.RequireAuth).Get("/dashboard", greet)
	r.Route("/account", func(r chi.Router) {
		r.Use(client.RequireAuth)
		r.Get("/profile", greet)
	})
	return r
}

func TestChi(t *testing.T) {
	t.Run("With", func(t *testing.T) {
		newApp(t, appOptions{}, chiRoutes).checkLoginFlow(t, "/dashboard")
	})
	t.Run("Route group", func(t *testing.T) {
		newApp(t, appOptions{}, chiRoutes).checkLoginFlow(t, "/account/profile")
	})
}
