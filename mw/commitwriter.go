package mw

import (
	"bufio"
	"context"
	"net"
	"net/http"
)

// commitWriter commits the request's session state once, just before the response starts.
type commitWriter struct {
	http.ResponseWriter
	st        *State
	ctx       context.Context
	committed bool
}

func (w *commitWriter) commitOnce() {
	if !w.committed {
		w.committed = true
		w.st.Commit(w.ctx, w.ResponseWriter.Header())
	}
}

// WriteHeader commits before a final status; informational ones (103 Early Hints) pass.
func (w *commitWriter) WriteHeader(code int) {
	if code >= 200 || code == http.StatusSwitchingProtocols {
		w.commitOnce()
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write commits, then writes.
func (w *commitWriter) Write(b []byte) (int, error) {
	w.commitOnce()
	return w.ResponseWriter.Write(b)
}

// Flush commits, then flushes when the underlying writer can.
func (w *commitWriter) Flush() {
	w.commitOnce()
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack hands the connection over; nothing is committed on a hijacked connection.
func (w *commitWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.committed = true
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (w *commitWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
