package token

import "time"

// CodeMFARequired: the provider needs the user to pass multi-factor authentication before it
// issues the token (Auth0's mfa_required). The Error's Err is an *MFARequiredError.
const CodeMFARequired = "mfa_required"

// MFARequiredError is the provider's demand for multi-factor authentication (step-up) before
// it issues an access token: the original SDK's MfaRequiredError. It is the Err of an *Error
// with Code CodeMFARequired; errors.As finds either. The session is kept.
type MFARequiredError struct {
	// MFAToken is the provider's mfa_token sealed with the application's secret, for the
	// browser to hand back (to an MFA page of the application, which opens it); empty when
	// the provider sent none. It expires after the MFA-token lifetime.
	MFAToken string
	// Requirements are the factors the provider accepts or asks to enroll; nil when it did
	// not say.
	Requirements *MFARequirements
	// Audience and Scope are what the token was asked for.
	Audience, Scope string
	// Err is the provider's answer.
	Err error
}

// MFARequirements are Auth0's mfa_requirements: the factors the user may be challenged with,
// or must enroll.
type MFARequirements struct {
	// Challenge lists the factors the user can be challenged with.
	Challenge []MFAFactor `json:"challenge,omitempty"`
	// Enroll lists the factors the user may enroll.
	Enroll []MFAFactor `json:"enroll,omitempty"`
}

// MFAFactor is one factor, such as "otp", "push-notification", "oob" or "recovery-code".
type MFAFactor struct {
	// Type is the factor's type.
	Type string `json:"type"`
}

// Error says that multi-factor authentication is required, for which audience; never the
// token.
func (e *MFARequiredError) Error() string {
	s := "token: multi-factor authentication is required"
	if e.Audience != "" {
		s += " for audience " + e.Audience
	}
	return s
}

// Unwrap returns the provider's answer.
func (e *MFARequiredError) Unwrap() error { return e.Err }

// MFAContext is what a sealed MFA token holds: the provider's mfa_token and what it was
// issued for.
type MFAContext struct {
	// MFAToken is the provider's mfa_token, for its MFA API.
	MFAToken string `json:"mfaToken"`
	// Audience and Scope are what the access token was asked for.
	Audience string `json:"audience,omitempty"`
	Scope    string `json:"scope,omitempty"`
	// Requirements are the provider's mfa_requirements.
	Requirements *MFARequirements `json:"mfaRequirements,omitempty"`
	// CreatedAt is when it was sealed, in epoch milliseconds as the original writes it.
	CreatedAt int64 `json:"createdAt"`
}

// Created returns CreatedAt as a time.
func (c *MFAContext) Created() time.Time { return time.UnixMilli(c.CreatedAt) }
