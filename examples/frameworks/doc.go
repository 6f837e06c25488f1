// Package frameworks shows authchain in the routers applications use, each tested by logging
// in against oidctest: chi, gorilla/mux, the standard library's ServeMux, echo and gin, an
// application mounted under a base path, and HTTP/2 with http.ResponseController.
//
// In short:
//
//   - chi: r.Use(client.Middleware), then r.With(client.RequireAuth) or a group's
//     r.Use(client.RequireAuth). chi runs middlewares before routing, so the /auth/ routes
//     need nothing else.
//   - gorilla/mux: r.Use(client.Middleware) and a route for authchain's routes,
//     r.PathPrefix("/auth/").Handler(client.Handler()): gorilla/mux runs middlewares only
//     on requests that match a route. Protect routes with client.RequireAuth(h) or a
//     subrouter's Use(client.RequireAuth).
//   - ServeMux: client.Middleware(mux), and client.RequireAuth(h) for each protected handler.
//   - echo: e.Use(echo.WrapMiddleware(client.Middleware)) and
//     echo.WrapMiddleware(client.RequireAuth) on routes or groups; echo runs e.Use
//     middlewares for unmatched requests too.
//   - gin: r.Use(Gin(client.Middleware)) and Gin(client.RequireAuth) on routes or groups,
//     with the small adapter Gin of this package: gin.WrapH alone cannot run the rest of a
//     gin chain inside a net/http middleware.
//   - A base path: with AppBaseURL https://host/app, authchain's routes are /app/auth/login
//     and so on, and client.Middleware must see the full path: wrap the application with it
//     outside http.StripPrefix. client.RequireAuth may go on either side: the page it sends
//     to login as returnTo is the path the browser asked for, prefix included.
//   - HTTP/2 and http.ResponseController: the middleware's ResponseWriter unwraps, so Flush
//     and SetWriteDeadline reach the server's writer; the cookie is written before the first
//     flushed byte.
package frameworks
