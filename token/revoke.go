package token

// CodeFailedToRevoke: the provider refused to revoke the refresh token or could not be
// reached; the session keeps the token. The cause is in Err (the provider's OAuth error when
// it sent one).
const CodeFailedToRevoke = "failed_to_revoke"
