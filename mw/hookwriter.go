package mw

import (
	"bufio"
	"net"
	"net/http"
)

// hookWriter calls hook with each status code and the header map just before they go to the
// writer underneath, up to the final one (informational codes such as 103 Early Hints come
// first); Write and Flush start the response with 200 OK when nothing has. RollingSession
// commits the session from it, MergeHeaders merges the headers of its two middlewares.
type hookWriter struct {
	http.ResponseWriter
	hook  func(code int, h http.Header)
	final bool // the final status was written, or the connection hijacked
}

// WriteHeader runs the hook, then forwards the status code.
func (w *hookWriter) WriteHeader(code int) {
	if !w.final {
		w.final = isFinal(code)
		w.hook(code, w.Header())
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write starts the response with 200 OK when nothing has started it yet.
func (w *hookWriter) Write(p []byte) (int, error) {
	if !w.final {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// FlushError starts the response when needed, then flushes the writer underneath.
func (w *hookWriter) FlushError() error {
	if !w.final {
		w.WriteHeader(http.StatusOK)
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Flush implements http.Flusher.
func (w *hookWriter) Flush() { _ = w.FlushError() }

// Hijack hands the connection over; the hook never runs on a hijacked connection.
func (w *hookWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.final = true
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap returns the writer underneath, for http.ResponseController.
func (w *hookWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish runs the hook for a handler that returned without starting the response, which the
// server then answers 200 OK.
func (w *hookWriter) finish() {
	if !w.final {
		w.final = true
		w.hook(http.StatusOK, w.Header())
	}
}

// isFinal reports whether a status code ends the response's head: any but 1xx, and 101
// Switching Protocols.
func isFinal(code int) bool {
	return code < 100 || code > 199 || code == http.StatusSwitchingProtocols
}
