// Package mw holds authchain's single-purpose middlewares and route handlers, each a plain
// func(http.Handler) http.Handler or http.Handler, so they chain with github.com/justinas/alice,
// chi, gorilla/mux or the standard ServeMux.
//
// Every middleware takes its dependencies explicitly, as small interfaces or functions, never the
// whole authchain Client. The ones that need to act when the response starts wrap the
// ResponseWriter and keep http.Flusher, http.Hijacker and Unwrap working, so
// http.ResponseController reaches the server's writer through them.
//
// A whole application needs no authchain.Client: the routes take a *provider.Provider, the
// sessions a session.Manager, and the pages chain under alice behind RollingSession (Example
// logs in this way against oidctest):
//
//	p, err := provider.New(provider.Config{Issuer: issuer, ClientID: id, ClientSecret: clientSecret, RedirectURI: callback})
//	sessions, err := session.NewStateless(session.StatelessConfig{Secret: secret})
//	codec, err := session.NewCodec(session.PurposeTransaction, secret)
//	txns := mw.NewTransactionStore(mw.TransactionStoreOptions{Codec: codec})
//
//	mux := http.NewServeMux()
//	mux.Handle("GET /auth/login", mw.NewLogin(mw.LoginOptions{Provider: p, Transactions: txns, ClientID: id, RedirectURI: callback, AppBaseURL: base}))
//	mux.Handle("GET /auth/callback", mw.NewCallback(mw.CallbackOptions{Provider: p, Transactions: txns, Sessions: sessions}))
//	mux.Handle("/auth/logout", mw.NewLogout(mw.LogoutOptions{Provider: p, Sessions: sessions, Transactions: txns, AppBaseURL: base}))
//	mux.Handle("/", alice.New(
//		mw.MergeHeaders(mw.RollingSession(mw.RollingSessionOptions{Manager: sessions}), i18n),
//		mw.RequireAuth(mw.RequireAuthOptions{SignedIn: signedIn}),
//	).Then(pages))
//
// MergeHeaders combines the rolling session with another middleware (here an i18n one) so that
// every response of the other also carries the session's headers; handlers behind
// RollingSession read and change the session with SessionFrom and UpdateSession.
//
// BackChannelLogout serves the provider's logout tokens: for cookie sessions, give the
// Stateless manager and the route the same session.LogoutRecorder; for stored sessions, give
// the route the Store (a session.LogoutDeleter):
//
//	records := session.NewMemoryLogoutRecords(nil)
//	sessions, err := session.NewStateless(session.StatelessConfig{Secret: secret, LogoutRecords: records})
//	mux.Handle("/auth/backchannel-logout", mw.BackChannelLogout(mw.BackChannelLogoutOptions{
//		Provider: p, Replay: session.NewMemoryReplayCache(nil), Records: records, RecordTTL: session.DefaultAbsoluteDuration,
//	}))
package mw
