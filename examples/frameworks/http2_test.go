package frameworks_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/authchain/authchain"
)

// streamGreeting greets the user in two flushed parts, with a write deadline, all through
// http.ResponseController: it works only if the middlewares' writers unwrap to the server's.
func streamGreeting(w http.ResponseWriter, r *http.Request) {
	u, ok := authchain.UserFrom(r.Context())
	if !ok {
		http.Error(w, "no user in the request's context", http.StatusInternalServerError)
		return
	}
	rc := http.NewResponseController(w)
	if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
		http.Error(w, "SetWriteDeadline: "+err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprint(w, "Hello, ")
	if err := rc.Flush(); err != nil {
		fmt.Fprintf(w, "Flush: %v", err)
		return
	}
	fmt.Fprintf(w, "%s (%s)", u.Name(), u.Subject())
}

func TestHTTP2AndResponseController(t *testing.T) {
	a := newApp(t, appOptions{http2: true}, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("GET /stream", client.RequireAuth(http.HandlerFunc(streamGreeting)))
		return client.Middleware(mux)
	})
	resp := a.checkLoginFlow(t, "/stream")
	assert.Equal(t, 2, resp.ProtoMajor, "the response came over HTTP/2")
	for _, c := range sessionCookies(resp) {
		assert.True(t, c.Secure, "an https application's session cookie is Secure")
	}
}
