package frameworks_test

import (
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/examples/frameworks"
)

func ginRoutes(client *authchain.Client) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(frameworks.Gin(client.Middleware))
	r.GET("/", func(c *gin.Context) { c.String(http.StatusOK, "home") })
	r.GET("/dashboard", frameworks.Gin(client.RequireAuth), gin.WrapF(greet))
	account := r.Group("/account", frameworks.Gin(client.RequireAuth))
	account.GET("/profile", func(c *gin.Context) {
		u, ok := authchain.UserFrom(c.Request.Context())
		if !ok {
			c.String(http.StatusInternalServerError, "no user in the request's context")
			return
		}
		c.String(http.StatusOK, "Hello, %s (%s)", u.Name(), u.Subject())
	})
	return r
}

func TestGin(t *testing.T) {
	t.Run("RequireAuth on a route", func(t *testing.T) {
		newApp(t, appOptions{}, ginRoutes).checkLoginFlow(t, "/dashboard")
	})
	t.Run("group with a gin handler", func(t *testing.T) {
		newApp(t, appOptions{}, ginRoutes).checkLoginFlow(t, "/account/profile")
	})
}
