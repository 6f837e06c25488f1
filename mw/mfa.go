package mw

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// PurposeMFAToken is the purpose of the codec that seals MFA tokens
// (AccessTokensOptions.MFATokens): a sealed MFA token never opens as a cookie, nor a cookie
// as an MFA token.
const PurposeMFAToken session.Purpose = "authchain mfa token"

// DefaultMFATokenTTL is how long a sealed MFA token opens, unless
// AccessTokensOptions.MFATokenTTL says otherwise; the original's default.
const DefaultMFATokenTTL = 5 * time.Minute

// mfaTokenName is the name a sealed MFA token is authenticated under.
const mfaTokenName = "mfa_token"

// ErrInvalidMFAToken is returned by OpenMFAToken for a value that is not an MFA token this
// application sealed (the original's mfa_token_invalid).
var ErrInvalidMFAToken = errors.New("mw: invalid mfa token")

// ErrMFATokenExpired is returned by OpenMFAToken for an MFA token older than its lifetime
// (the original's mfa_token_expired).
var ErrMFATokenExpired = errors.New("mw: the mfa token has expired")

// mfaRequired returns the error for a refresh the provider answered with mfa_required, or nil
// for any other failure.
func (a *AccessTokens) mfaRequired(err error, audience, scope string) error {
	var pe *provider.Error
	if !errors.As(err, &pe) || pe.Code != token.CodeMFARequired {
		return nil
	}
	e := &token.MFARequiredError{Audience: audience, Scope: scope, Err: err}
	if len(pe.MFARequirements) > 0 {
		var req token.MFARequirements
		if json.Unmarshal(pe.MFARequirements, &req) == nil {
			e.Requirements = &req
		}
	}
	if pe.MFAToken != "" && a.opts.MFATokens != nil {
		c := token.MFAContext{MFAToken: pe.MFAToken, Audience: audience, Scope: scope,
			Requirements: e.Requirements, CreatedAt: a.opts.Now().UnixMilli()}
		sealed, serr := a.opts.MFATokens.Encode(mfaTokenName, c)
		if serr != nil {
			return &token.Error{Code: token.CodeFailedToRefreshToken, Message: "sealing the mfa token failed", Err: serr}
		}
		e.MFAToken = sealed
	}
	return &token.Error{Code: token.CodeMFARequired, Message: "multi-factor authentication is required", Err: e}
}

// OpenMFAToken opens an MFA token that AccessToken sealed (MFARequiredError.MFAToken), for an
// application that continues with the provider's MFA API. It fails with ErrInvalidMFAToken or
// ErrMFATokenExpired, and with ErrInvalidMFAToken when no MFATokens codec is configured.
func (a *AccessTokens) OpenMFAToken(sealed string) (*token.MFAContext, error) {
	if a.opts.MFATokens == nil {
		return nil, ErrInvalidMFAToken
	}
	var c token.MFAContext
	if err := a.opts.MFATokens.Decode(mfaTokenName, sealed, &c); err != nil || c.MFAToken == "" {
		return nil, ErrInvalidMFAToken
	}
	if !a.opts.Now().Before(c.Created().Add(a.opts.MFATokenTTL)) {
		return nil, ErrMFATokenExpired
	}
	return &c, nil
}

// mfaRequiredBody is the access-token route's answer (403) when multi-factor authentication is
// required, in the original's flat shape.
type mfaRequiredBody struct {
	Error            string                 `json:"error"`
	ErrorDescription string                 `json:"error_description"`
	MFAToken         string                 `json:"mfa_token,omitempty"`
	MFARequirements  *token.MFARequirements `json:"mfa_requirements,omitempty"`
}

// writeMFARequired answers 403 mfa_required when err is an *token.MFARequiredError.
func writeMFARequired(w http.ResponseWriter, err error) bool {
	var me *token.MFARequiredError
	if !errors.As(err, &me) {
		return false
	}
	writeJSON(w, http.StatusForbidden, mfaRequiredBody{
		Error: token.CodeMFARequired, ErrorDescription: "multi-factor authentication is required",
		MFAToken: me.MFAToken, MFARequirements: me.Requirements,
	})
	return true
}

// checkMFATokenTTL refuses a negative lifetime.
func checkMFATokenTTL(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("mw: MFATokenTTL %v is negative", d)
	}
	return nil
}
