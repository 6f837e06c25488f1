// Package session is authchain's session layer: the Session data model, the cookie codec
// (gorilla/securecookie with keys derived by HKDF-SHA256 from the application's secret, one
// key pair per purpose, with key rotation), cookie chunking, expiry maths (absolute,
// inactivity, rolling), and the two session managers: Stateless, which seals the whole session
// into cookies, and Stateful, which keeps a sealed random id in the cookie and the data in a
// Store.
//
// Every failure to read a cookie (tampered, truncated, sealed with another key, expired,
// badly chunked, oversized) means "no session": the managers report it as a signed-out request
// and the next write clears the bad cookies. Nothing a browser sends can make them fail with
// an error; only a Store can.
package session
