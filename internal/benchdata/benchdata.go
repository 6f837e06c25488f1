// Package benchdata holds the realistic session that benchmarks and tests measure: an RS256
// ID token of about 1 KB, an access-token JWT of about 800 bytes, a refresh token and the
// default user claims, about 2,600 bytes of JSON.
package benchdata

import (
	"fmt"
	"strings"
	"time"
)

// fakeJWT returns a string shaped like a compact JWS of n bytes.
func fakeJWT(n int, seed string) string {
	part := strings.Repeat(seed, n/len(seed)+1)
	third := n / 3
	return part[:third] + "." + part[:third] + "." + part[:n-2*third-2]
}

// UserClaims are the default claims of the realistic session's user.
func UserClaims() map[string]any {
	return map[string]any{
		"sub":            "auth0|64f1c2a9e4b0d1a2b3c4d5e6",
		"name":           "Jane Doe",
		"nickname":       "jane.doe",
		"given_name":     "Jane",
		"family_name":    "Doe",
		"picture":        "https://s.gravatar.com/avatar/0123456789abcdef0123456789abcdef?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Fjd.png",
		"email":          "jane.doe@example.com",
		"email_verified": true,
	}
}

// Tokens are the realistic session's access, ID and refresh tokens.
func Tokens() (access, id, refresh string) {
	return fakeJWT(800, "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9"),
		fakeJWT(1150, "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Ik"),
		"v1.MRrT8dQ3kPq9ZyXw2LmN0bVc6aHs4uEi7oJt1rGf5yKp-vD9sWq3xZa8nB2mC4lE6jH0gF7dT1"
}

// SessionJSON is the realistic session in the original SDK's SessionData shape, created at
// createdAt, its access token expiring an hour later.
func SessionJSON(createdAt time.Time) []byte {
	access, id, refresh := Tokens()
	return fmt.Appendf(nil, `{"user":{"email":"jane.doe@example.com","email_verified":true,"family_name":"Doe",`+
		`"given_name":"Jane","name":"Jane Doe","nickname":"jane.doe",`+
		`"picture":"https://s.gravatar.com/avatar/0123456789abcdef0123456789abcdef?s=480&r=pg&d=https%%3A%%2F%%2Fcdn.auth0.com%%2Favatars%%2Fjd.png",`+
		`"sub":"auth0|64f1c2a9e4b0d1a2b3c4d5e6"},"tokenSet":{"accessToken":%q,"idToken":%q,"refreshToken":%q,`+
		`"expiresAt":%d,"scope":"openid profile email offline_access","audience":"https://api.example.com/"},`+
		`"internal":{"sid":"d1f0e2c3-4b5a-6978-8a9b-0c1d2e3f4a5b","createdAt":%d}}`,
		access, id, refresh, createdAt.Add(time.Hour).Unix(), createdAt.Unix())
}
