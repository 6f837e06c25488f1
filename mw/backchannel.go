package mw

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
)

// MaxBackChannelLogoutBody bounds the body of a back-channel logout request: a form holding one
// logout token, a few kilobytes.
const MaxBackChannelLogoutBody = 64 << 10

// BackChannelLogoutOptions configures BackChannelLogout. Deleter, Records or both are required.
type BackChannelLogoutOptions struct {
	// Provider verifies the logout tokens: a *provider.Provider. Required.
	Provider LogoutTokenVerifier
	// Replay remembers the tokens' jti, so that a token is acted on once. Required.
	Replay session.ReplayCache
	// Deleter deletes the stored sessions a token names: the session.Store of a Stateful
	// manager, when it implements session.LogoutDeleter. Default nil: nothing is deleted.
	Deleter session.LogoutDeleter
	// Records keeps a logout record for the cookie sessions a token names: the LogoutRecords
	// of the Stateless manager. Default nil: nothing is recorded.
	Records session.LogoutRecorder
	// RecordTTL is how long logout records are kept: the sessions' absolute duration, after
	// which no session they name can still be alive. Required with Records.
	RecordTTL time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger receives refused tokens (never the token) and store failures; default: discard.
	Logger *slog.Logger
}

// BackChannelLogout is the back-channel logout route (POST /auth/backchannel-logout, OpenID
// Connect Back-Channel Logout 1.0 §2.5): the provider posts a logout token, as the form
// parameter logout_token, to end the sessions of one of its sessions (sid) or of one user
// (sub). The route verifies the token (provider.Provider.VerifyLogoutToken), refuses a jti it
// has seen (kept in Replay until the token could no longer be accepted), then deletes the
// stored sessions it names (Deleter) and records the logout for cookie sessions (Records: a
// session that began before the logout then reads as signed out), and answers 204.
//
// A request that is not a POST gets 405. Every bad request gets 400 with a JSON body
// {"error":"invalid_request","error_description":"…"} that never holds the token: a body
// that is not application/x-www-form-urlencoded, is larger than MaxBackChannelLogoutBody,
// or has no or more than one logout_token; a token that does not verify; a replayed token.
// When the provider's keys, the replay cache or the session store cannot be used, the answer
// is 503 {"error":"temporarily_unavailable",…}, so that the provider tries again later. Every
// answer is Cache-Control: no-store.
//
// The jti is recorded before the sessions are ended, so that a replay never ends sessions
// twice. When ending them fails (503), the jti is forgotten again if Replay can forget
// (session.ReplayForgetter: the in-memory cache and the Redis store can), so that the provider's
// retry of the same token is accepted.
//
// BackChannelLogout panics when Provider or Replay is missing, when neither Deleter nor
// Records is given, or when Records is given without a positive RecordTTL.
func BackChannelLogout(opts BackChannelLogoutOptions) http.Handler {
	switch {
	case opts.Provider == nil || opts.Replay == nil:
		panic("mw: BackChannelLogout needs Provider and Replay")
	case opts.Deleter == nil && opts.Records == nil:
		panic("mw: BackChannelLogout needs a Deleter, Records or both")
	case opts.Records != nil && opts.RecordTTL <= 0:
		panic("mw: BackChannelLogout needs a positive RecordTTL with Records")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &backChannelLogout{opts: opts}
}

type backChannelLogout struct {
	opts BackChannelLogoutOptions
}

// ServeHTTP answers POST /auth/backchannel-logout.
func (b *backChannelLogout) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if !allowMethods(w, r, http.MethodPost) {
		return
	}
	ctx := r.Context()
	raw, problem := readLogoutToken(w, r)
	if problem != "" {
		b.refuse(w, r, problem)
		return
	}
	tok, err := b.opts.Provider.VerifyLogoutToken(ctx, raw)
	switch {
	case errors.Is(err, provider.ErrUnavailable):
		b.unavailable(w, r, "verifying the logout token", err)
		return
	case errors.Is(err, provider.ErrInvalidLogoutToken):
		b.refuse(w, r, err.Error())
		return
	case err != nil || tok == nil:
		b.refuse(w, r, "the logout token is invalid")
		return
	}
	first, err := b.opts.Replay.FirstUse(ctx, tok.Issuer+" "+tok.JTI, tok.ValidUntil())
	if err != nil {
		b.unavailable(w, r, "checking the logout token's jti", err)
		return
	}
	if !first {
		b.refuse(w, r, "the logout token was used before (its jti is known)")
		return
	}
	if err := b.end(ctx, tok); err != nil {
		b.forget(ctx, r, tok.Issuer+" "+tok.JTI)
		b.unavailable(w, r, "ending the sessions", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// forget forgets a jti recorded for a logout that then failed, so that its retry is accepted.
func (b *backChannelLogout) forget(ctx context.Context, r *http.Request, id string) {
	f, ok := b.opts.Replay.(session.ReplayForgetter)
	if !ok {
		return
	}
	if err := f.Forget(context.WithoutCancel(ctx), id); err != nil {
		b.opts.Logger.WarnContext(r.Context(), "authchain: back-channel logout: forgetting the failed token's jti failed; its retry will be refused", "error", err)
	}
}

// readLogoutToken reads the one logout_token of the form body; problem says what is wrong
// with the request, "" when nothing is.
func readLogoutToken(w http.ResponseWriter, r *http.Request) (token, problem string) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return "", "the body must be application/x-www-form-urlencoded"
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBackChannelLogoutBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return "", "the body is larger than 64 KB"
	case err != nil:
		return "", "the body could not be read"
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return "", "the body is not a form"
	}
	switch tokens := form["logout_token"]; {
	case len(tokens) > 1:
		return "", "the body has more than one logout_token"
	case len(tokens) == 0 || tokens[0] == "":
		return "", "the body has no logout_token"
	default:
		return tokens[0], ""
	}
}

// end deletes the stored sessions tok names and records the logout for cookie sessions.
func (b *backChannelLogout) end(ctx context.Context, tok *provider.LogoutToken) error {
	var errs []error
	if d := b.opts.Deleter; d != nil {
		n, err := d.DeleteByLogoutToken(ctx, session.LogoutToken{Issuer: tok.Issuer, SID: tok.SID, Subject: tok.Subject})
		if err != nil {
			errs = append(errs, err)
		} else {
			b.opts.Logger.InfoContext(ctx, "authchain: back-channel logout", "sessions_deleted", n)
		}
	}
	if rec := b.opts.Records; rec != nil {
		now := b.opts.Now()
		err := rec.RecordLogout(ctx, session.LogoutRecord{SID: tok.SID, Subject: tok.Subject, At: now}, now.Add(b.opts.RecordTTL))
		if err != nil {
			errs = append(errs, err)
		} else {
			b.opts.Logger.InfoContext(ctx, "authchain: back-channel logout recorded")
		}
	}
	return errors.Join(errs...)
}

// backChannelError is the JSON body of a refused back-channel logout (RFC 6749 §5.2's form).
type backChannelError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// refuse answers 400 invalid_request with description, which never holds the token.
func (b *backChannelLogout) refuse(w http.ResponseWriter, r *http.Request, description string) {
	b.opts.Logger.WarnContext(r.Context(), "authchain: back-channel logout refused", "reason", description)
	writeBackChannelError(w, http.StatusBadRequest, backChannelError{"invalid_request", description})
}

// unavailable answers 503: the provider's keys, the replay cache or the session store failed.
func (b *backChannelLogout) unavailable(w http.ResponseWriter, r *http.Request, what string, err error) {
	b.opts.Logger.ErrorContext(r.Context(), "authchain: back-channel logout: "+what+" failed", "error", err)
	w.Header().Set("Retry-After", "1")
	writeBackChannelError(w, http.StatusServiceUnavailable, backChannelError{"temporarily_unavailable", what + " failed; try again later"})
}

func writeBackChannelError(w http.ResponseWriter, status int, body backChannelError) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
