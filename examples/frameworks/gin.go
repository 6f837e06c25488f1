package frameworks

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// Gin adapts a net/http middleware, such as client.Middleware or client.RequireAuth, to a gin
// middleware. The rest of the gin chain runs inside the middleware: it sees the request the
// middleware passes on (with the session in its context) and writes through the middleware's
// ResponseWriter, so the rolling session's cookie reaches the browser. When the middleware
// answers the request itself (a login route, a redirect to login), the gin chain is aborted.
//
//	r := gin.New()
//	r.Use(frameworks.Gin(client.Middleware))
//	r.GET("/dashboard", frameworks.Gin(client.RequireAuth), dashboard)
func Gin(middleware func(http.Handler) http.Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		passed := false
		original := c.Writer
		middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			passed = true
			c.Request = r
			c.Writer = &ginWriter{ResponseWriter: original, w: w}
			c.Next()
			c.Writer = original
		})).ServeHTTP(original, c.Request)
		if !passed {
			c.Abort()
		}
	}
}

// ginWriter is gin's ResponseWriter whose header, status and body go through w, the
// middleware's writer, which writes to gin's own writer underneath.
type ginWriter struct {
	gin.ResponseWriter
	w http.ResponseWriter
}

func (g *ginWriter) Header() http.Header               { return g.w.Header() }
func (g *ginWriter) WriteHeader(code int)              { g.w.WriteHeader(code) }
func (g *ginWriter) Write(p []byte) (int, error)       { return g.w.Write(p) }
func (g *ginWriter) WriteString(s string) (int, error) { return g.w.Write([]byte(s)) }

// WriteHeaderNow starts the response with the status gin recorded.
func (g *ginWriter) WriteHeaderNow() {
	if !g.Written() {
		g.w.WriteHeader(g.Status())
	}
}

// Flush flushes through the middleware's writer.
func (g *ginWriter) Flush() { _ = http.NewResponseController(g.w).Flush() }

// Unwrap returns the middleware's writer, for http.ResponseController.
func (g *ginWriter) Unwrap() http.ResponseWriter { return g.w }
