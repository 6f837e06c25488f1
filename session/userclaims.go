package session

// The standard claims a session keeps by default (OpenID Connect Core §5.1, and Auth0's
// org_id), read as their types. Each returns the zero value when the claim is missing or has
// another type.

// Subject returns the sub claim: the user's id at the provider.
func (u *User) Subject() string { return u.StringClaim("sub") }

// Name returns the name claim: the user's full name.
func (u *User) Name() string { return u.StringClaim("name") }

// Nickname returns the nickname claim.
func (u *User) Nickname() string { return u.StringClaim("nickname") }

// GivenName returns the given_name claim.
func (u *User) GivenName() string { return u.StringClaim("given_name") }

// FamilyName returns the family_name claim.
func (u *User) FamilyName() string { return u.StringClaim("family_name") }

// Picture returns the picture claim: the URL of the user's picture.
func (u *User) Picture() string { return u.StringClaim("picture") }

// Email returns the email claim.
func (u *User) Email() string { return u.StringClaim("email") }

// EmailVerified returns the email_verified claim: whether the provider checked that the
// address is the user's.
func (u *User) EmailVerified() bool {
	v, _ := u.Get("email_verified").(bool)
	return v
}

// OrgID returns the org_id claim: the Auth0 organization the user logged in to.
func (u *User) OrgID() string { return u.StringClaim("org_id") }
