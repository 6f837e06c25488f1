package frameworks_test

import (
	"net/http"
	"net/http/cookiejar"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/examples/frameworks"
)

func ginRoutes(client *authchain.Client) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(frameworks.Gin(client.Middleware))
	r.GET("/", func(c *gin.Context) { c.String(http.StatusOK, "home") })
	r.GET("/dashboard", frameworks.Gin(client.RequireAuth), gin.WrapF(greet))
	r.POST("/ping", frameworks.Gin(client.RequireAuth), func(c *gin.Context) { c.Status(http.StatusNoContent) })
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
	// A response without a body still carries the rolled cookie: gin writes the status it
	// recorded after the handlers, through the middleware's writer.
	t.Run("response without a body", func(t *testing.T) {
		a := newApp(t, appOptions{}, ginRoutes)
		jar, err := cookiejar.New(nil)
		require.NoError(t, err)
		a.checkLoginFlowWith(t, jar, "/dashboard")
		a.clock.Advance(2 * time.Minute)
		resp, err := a.browser(t, jar, false).Post(a.server.URL+"/ping", "text/plain", nil)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNoContent, resp.StatusCode)
		assert.NotEmpty(t, sessionCookies(resp), "the rolling session writes its cookie again")
	})
}
