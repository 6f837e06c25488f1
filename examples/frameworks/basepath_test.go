package frameworks_test

import (
	"net/http"
	"testing"

	"github.com/authchain/authchain"
)

// An application mounted under /app, with AppBaseURL https://host/app: authchain's routes
// are /app/auth/login, /app/auth/callback and so on.
func TestBasePath(t *testing.T) {
	t.Run("routes registered with the prefix", func(t *testing.T) {
		a := newApp(t, appOptions{basePath: "/app"}, func(client *authchain.Client) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("GET /app/dashboard", client.RequireAuth(http.HandlerFunc(greet)))
			return client.Middleware(mux)
		})
		a.checkLoginFlow(t, "/app/dashboard")
	})

	// With http.StripPrefix, client.Middleware goes outside it: it needs the full path to find
	// authchain's routes. client.RequireAuth may go on either side; here it is outside.
	t.Run("StripPrefix inside the middlewares", func(t *testing.T) {
		a := newApp(t, appOptions{basePath: "/app"}, func(client *authchain.Client) http.Handler {
			app := http.NewServeMux()
			app.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("home")) })
			app.HandleFunc("GET /account/profile", greet)
			root := http.NewServeMux()
			root.Handle("/app/", http.StripPrefix("/app", app))
			root.Handle("/app/account/", client.RequireAuth(http.StripPrefix("/app", app)))
			return client.Middleware(root)
		})
		a.checkLoginFlow(t, "/app/account/profile")
	})
}
