// Package session is authchain's session layer: the Session data model, the two cookie
// formats (FormatNextJS, nextjs-auth0 v4's JWE, so that a Next.js application and a Go
// service share one session; FormatSecureCookie, gorilla/securecookie with keys derived by
// HKDF-SHA256 from the application's secret, one key pair per purpose), key rotation, cookie
// chunking, expiry maths (absolute, inactivity, rolling), and the two session managers: Stateless, which seals the whole session
// into cookies, and Stateful, which keeps a sealed random id in the cookie and the data in a
// Store.
//
// Back-channel logout ends sessions in both: a Store that implements LogoutDeleter deletes
// the sessions a logout token names, and a Stateless manager given LogoutRecords refuses
// the sessions a LogoutRecord names. MemoryStore, MemoryLogoutRecords and MemoryReplayCache
// keep that state for an application that runs as one instance.
//
// Every failure to read a cookie (tampered, truncated, sealed with another key, expired,
// badly chunked, oversized) means "no session": the managers report it as a signed-out request
// and the next write clears the bad cookies. Nothing a browser sends can make them fail with
// an error; only a Store (or the logout records) can.
package session
