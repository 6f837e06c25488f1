// Package mw holds authchain's single-purpose middlewares and route handlers, each a plain
// func(http.Handler) http.Handler or http.Handler, so they chain with github.com/justinas/alice,
// chi, gorilla/mux or the standard ServeMux.
//
// Every middleware takes its dependencies explicitly, as small interfaces or functions, never the
// whole authchain Client. The ones that need to act when the response starts wrap the
// ResponseWriter and keep http.Flusher, http.Hijacker and Unwrap working, so
// http.ResponseController reaches the server's writer through them.
//
// Two of them combine authchain with the rest of an application:
//
//	chain := alice.New(
//		mw.MergeHeaders(session, i18n), // every i18n response also carries the session's headers
//		mw.RequireAuth(mw.RequireAuthOptions{SignedIn: signedIn}),
//	).Then(mux)
package mw
