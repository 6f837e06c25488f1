package frameworks_test

import (
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/authchain/authchain"
)

// echo.WrapMiddleware adapts both middlewares. e.Use runs after routing but also for
// requests no route matches, so client.Middleware serves /auth/* without routes of its own;
// a group's Use protects its routes.
func echoRoutes(client *authchain.Client) http.Handler {
	e := echo.New()
	e.HideBanner = true
	e.Use(echo.WrapMiddleware(client.Middleware))
	e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, "home") })
	e.GET("/dashboard", echo.WrapHandler(http.HandlerFunc(greet)), echo.WrapMiddleware(client.RequireAuth))
	account := e.Group("/account", echo.WrapMiddleware(client.RequireAuth))
	account.GET("/profile", func(c echo.Context) error {
		u, ok := authchain.UserFrom(c.Request().Context())
		if !ok {
			return echo.NewHTTPError(http.StatusInternalServerError, "no user in the request's context")
		}
		return c.String(http.StatusOK, "Hello, "+u.Name()+" ("+u.Subject()+")")
	})
	return e
}

func TestEcho(t *testing.T) {
	t.Run("middleware on a route", func(t *testing.T) {
		newApp(t, appOptions{}, echoRoutes).checkLoginFlow(t, "/dashboard")
	})
	t.Run("group with an echo handler", func(t *testing.T) {
		newApp(t, appOptions{}, echoRoutes).checkLoginFlow(t, "/account/profile")
	})
}
