package frameworks_test

import (
	"net/http"
	"testing"

	"github.com/authchain/authchain"
)

// With the standard library's ServeMux, client.Middleware wraps the whole mux and
// client.RequireAuth wraps each protected handler.
func serveMuxRoutes(client *authchain.Client) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("home")) })
	mux.Handle("GET /dashboard", client.RequireAuth(http.HandlerFunc(greet)))
	mux.Handle("GET /orders/{id}", client.RequireAuth(http.HandlerFunc(greet)))
	return client.Middleware(mux)
}

func TestServeMux(t *testing.T) {
	t.Run("exact path", func(t *testing.T) {
		newApp(t, appOptions{}, serveMuxRoutes).checkLoginFlow(t, "/dashboard")
	})
	t.Run("path with a wildcard", func(t *testing.T) {
		newApp(t, appOptions{}, serveMuxRoutes).checkLoginFlow(t, "/orders/17")
	})
}
