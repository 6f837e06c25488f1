package mw

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
)

// validLogoutToken is the one token fakeVerifier accepts.
const validLogoutToken = "eyJhbGciOiJSUzI1NiJ9.eyJzaWQiOiJzaWQtMSJ9.c2lnbmF0dXJl"

// fakeVerifier accepts validLogoutToken (a new jti each time unless jti is set), refuses
// anything else, and fails with err when it is set.
type fakeVerifier struct {
	now func() time.Time
	sid string
	sub string
	jti string
	err error
	n   int
}

func (f *fakeVerifier) VerifyLogoutToken(_ context.Context, raw string) (*provider.LogoutToken, error) {
	if f.err != nil {
		return nil, f.err
	}
	if raw != validLogoutToken {
		return nil, fmt.Errorf("%w: bad signature", provider.ErrInvalidLogoutToken)
	}
	f.n++
	jti := f.jti
	if jti == "" {
		jti = fmt.Sprint("jti-", f.n)
	}
	return &provider.LogoutToken{Issuer: "https://op.example.com/", SID: f.sid, Subject: f.sub, JTI: jti,
		IssuedAt: f.now(), Expiry: f.now().Add(2 * time.Minute)}, nil
}

// recordingDeleter records the logout tokens it is given, and fails with err when it is set.
type recordingDeleter struct {
	got []session.LogoutToken
	err error
}

func (d *recordingDeleter) DeleteByLogoutToken(_ context.Context, t session.LogoutToken) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	d.got = append(d.got, t)
	return 1, nil
}

// failingReplay fails every check.
type failingReplay struct{}

func (failingReplay) FirstUse(context.Context, string, time.Time) (bool, error) {
	return false, errRecordsDown
}

// postForm posts body with the content type to h.
func postForm(h http.Handler, contentType, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/auth/backchannel-logout", strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

const formType = "application/x-www-form-urlencoded"

func validForm() string { return url.Values{"logout_token": {validLogoutToken}}.Encode() }

// checkRefused checks a 400 invalid_request answer whose description does not hold the token.
func checkRefused(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	var body backChannelError
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusBadRequest || body.Error != "invalid_request" || body.ErrorDescription == "" {
		t.Errorf("%s: %d %s, want 400 invalid_request", what, rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), "c2lnbmF0dXJl") || strings.Contains(rec.Body.String(), "eyJzaWQi") {
		t.Errorf("%s: the answer holds the token: %s", what, rec.Body)
	}
	if rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("%s: headers %v", what, rec.Header())
	}
}

func TestBackChannelLogoutEndsStoredAndCookieSessions(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	deleter := &recordingDeleter{}
	records := session.NewMemoryLogoutRecords(clk.Now)
	h := BackChannelLogout(BackChannelLogoutOptions{
		Provider: &fakeVerifier{now: clk.Now, sid: "sid-1", sub: "alice"}, Replay: session.NewMemoryReplayCache(clk.Now),
		Deleter: deleter, Records: records, RecordTTL: time.Hour, Now: clk.Now,
	})
	rec := postForm(h, formType+"; charset=utf-8", validForm())
	if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("valid token: %d %v %q, want 204", rec.Code, rec.Header(), rec.Body)
	}
	want := session.LogoutToken{Issuer: "https://op.example.com/", SID: "sid-1", Subject: "alice"}
	if len(deleter.got) != 1 || deleter.got[0] != want {
		t.Errorf("DeleteByLogoutToken got %+v, want %+v", deleter.got, want)
	}
	ctx := context.Background()
	if out, _ := records.LoggedOut(ctx, "sid-1", "alice", clk.now); !out {
		t.Error("no logout record for the token's sid at the logout's time")
	}
	if out, _ := records.LoggedOut(ctx, "sid-1", "alice", clk.now.Add(time.Second)); out {
		t.Error("the record signs out a session that began after the logout")
	}
	clk.now = clk.now.Add(time.Hour)
	if out, _ := records.LoggedOut(ctx, "sid-1", "alice", clk.now.Add(-2*time.Hour)); out {
		t.Error("the record outlived RecordTTL")
	}
}

func TestBackChannelLogoutRefusesAReplay(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	deleter := &recordingDeleter{}
	h := BackChannelLogout(BackChannelLogoutOptions{
		Provider: &fakeVerifier{now: clk.Now, sub: "alice", jti: "same"}, Replay: session.NewMemoryReplayCache(clk.Now),
		Deleter: deleter, Now: clk.Now,
	})
	if rec := postForm(h, formType, validForm()); rec.Code != http.StatusNoContent {
		t.Fatalf("first use: %d", rec.Code)
	}
	checkRefused(t, "replay", postForm(h, formType, validForm()))
	if len(deleter.got) != 1 {
		t.Errorf("the replay deleted sessions again: %d deletions", len(deleter.got))
	}
}

func TestBackChannelLogoutRefusesBadRequests(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	deleter := &recordingDeleter{}
	h := BackChannelLogout(BackChannelLogoutOptions{
		Provider: &fakeVerifier{now: clk.Now, sid: "sid-1"}, Replay: session.NewMemoryReplayCache(clk.Now), Deleter: deleter,
	})
	huge := validForm() + "&padding=" + strings.Repeat("a", MaxBackChannelLogoutBody)
	for name, tc := range map[string]struct{ contentType, body string }{
		"no content type":    {"", validForm()},
		"JSON":               {"application/json", `{"logout_token":"` + validLogoutToken + `"}`},
		"multipart":          {"multipart/form-data; boundary=x", validForm()},
		"bad media type":     {"application/x-www-form-urlencoded; ;;", validForm()},
		"over 64 KB":         {formType, huge},
		"two tokens":         {formType, validForm() + "&" + validForm()},
		"no token":           {formType, "other=1"},
		"empty token":        {formType, "logout_token="},
		"empty body":         {formType, ""},
		"bad escape":         {formType, "logout_token=%zz"},
		"a token that fails": {formType, url.Values{"logout_token": {validLogoutToken + "x"}}.Encode()},
		"garbage":            {formType, "logout_token=garbage"},
		"another parameter":  {formType, "x=1"},
	} {
		checkRefused(t, name, postForm(h, tc.contentType, tc.body))
	}
	if len(deleter.got) != 0 {
		t.Errorf("bad requests deleted sessions: %+v", deleter.got)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/auth/backchannel-logout?logout_token="+validLogoutToken, nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != http.MethodPost || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("GET: %d %v, want 405 with Allow: POST", rec.Code, rec.Header())
	}
}

func TestBackChannelLogoutAnswers503WhenAStoreFails(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	verifier := func() *fakeVerifier { return &fakeVerifier{now: clk.Now, sid: "sid-1"} }
	replay := func() session.ReplayCache { return session.NewMemoryReplayCache(clk.Now) }
	for name, opts := range map[string]BackChannelLogoutOptions{
		"keys unavailable": {Provider: &fakeVerifier{err: fmt.Errorf("%w: jwks", provider.ErrUnavailable)}, Replay: replay(), Deleter: &recordingDeleter{}},
		"replay cache":     {Provider: verifier(), Replay: failingReplay{}, Deleter: &recordingDeleter{}},
		"deleter":          {Provider: verifier(), Replay: replay(), Deleter: &recordingDeleter{err: errRecordsDown}},
		"records":          {Provider: verifier(), Replay: replay(), Records: failingLogoutRecords{}, RecordTTL: time.Hour},
		"any store error":  {Provider: verifier(), Replay: replay(), Deleter: &recordingDeleter{err: errors.New("pq: deadlock detected")}},
	} {
		rec := postForm(BackChannelLogout(opts), formType, validForm())
		var body backChannelError
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusServiceUnavailable || body.Error != "temporarily_unavailable" {
			t.Errorf("%s: %d %s, want 503 temporarily_unavailable", name, rec.Code, rec.Body)
		}
		if strings.Contains(rec.Body.String(), "10.0.0.9") || strings.Contains(rec.Body.String(), "deadlock") {
			t.Errorf("%s: the answer tells the store's error: %s", name, rec.Body)
		}
		if rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%s: headers %v", name, rec.Header())
		}
	}
}

// failingLogoutRecords fails every call.
type failingLogoutRecords struct{}

func (failingLogoutRecords) RecordLogout(context.Context, session.LogoutRecord, time.Time) error {
	return errRecordsDown
}

func (failingLogoutRecords) LoggedOut(context.Context, string, string, time.Time) (bool, error) {
	return false, errRecordsDown
}

func TestBackChannelLogoutPanicsOnProgrammerErrors(t *testing.T) {
	t.Parallel()
	v, replay, d := &fakeVerifier{}, session.NewMemoryReplayCache(nil), &recordingDeleter{}
	for name, opts := range map[string]BackChannelLogoutOptions{
		"no provider":             {Replay: replay, Deleter: d},
		"no replay cache":         {Provider: v, Deleter: d},
		"nothing to end":          {Provider: v, Replay: replay},
		"records without the TTL": {Provider: v, Replay: replay, Records: session.NewMemoryLogoutRecords(nil)},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			BackChannelLogout(opts)
		}()
	}
}

// TestBackChannelLogoutRetryAfterAFailureIsAccepted: when ending the sessions fails (503), the
// provider's retry of the same token is not refused as a replay.
func TestBackChannelLogoutRetryAfterAFailureIsAccepted(t *testing.T) {
	t.Parallel()
	clk := &fixedClock{time.Unix(1_800_000_000, 0)}
	deleter := &recordingDeleter{err: fmt.Errorf("store: %w", session.ErrUnavailable)}
	h := BackChannelLogout(BackChannelLogoutOptions{
		Provider: &fakeVerifier{now: clk.Now, sub: "alice", jti: "same"}, Replay: session.NewMemoryReplayCache(clk.Now),
		Deleter: deleter, Now: clk.Now,
	})
	if rec := postForm(h, formType, validForm()); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("store down: %d, want 503", rec.Code)
	}
	deleter.err = nil
	if rec := postForm(h, formType, validForm()); rec.Code != http.StatusNoContent || len(deleter.got) != 1 {
		t.Fatalf("retry: %d with %d deletions, want 204 and one", rec.Code, len(deleter.got))
	}
	checkRefused(t, "replay after the success", postForm(h, formType, validForm()))
}
