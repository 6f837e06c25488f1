// Package redisstore keeps authchain's state shared by the instances of an application in
// Redis (go-redis v9): sessions, logout records, single-use ids and the refresh coordination.
// It is a module of its own, github.com/authchain/authchain/session/redisstore, so that only
// applications that use it depend on a Redis client.
//
// One *Store does all of it, and plugs into authchain.Config:
//
//	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"localhost:6379"}})
//	store, err := redisstore.New(rdb, redisstore.Options{Secret: secret})
//	if err != nil { … }
//	defer store.Close()
//	cfg := authchain.Config{
//		SessionStore: store, // session.Store, with Updater and LogoutDeleter
//		// …
//	}
//
// The same Store is the session.LogoutRecorder (back-channel logout for sessions that live in
// cookies), the session.ReplayCache (the logout tokens' jti) and the provider.Coordinator
// (refreshes of one refresh token across instances) of the Config fields for them,
// LogoutRecords, LogoutReplayCache and RefreshCoordinator.
//
// # What Redis holds
//
// Every key begins with Options.KeyPrefix (P, default "authchain:"). Identifiers appear in
// keys only as D(x), x's SHA-256 in base64url: no key shows a session id, a token, a provider
// session id or a user.
//
//	P session:D(id)          hash {v: the session, sealed; sid: D(sid); sub: D(sub)}, until the session expires
//	P sid:D(sid)             set of the D(id) of the provider session's sessions
//	P sub:D(sub)             set of the D(id) of the user's sessions
//	P {logouts}:records      hash of the logout records, "sid:D(sid)" or "sub:D(sub)" -> time and expiry
//	P {logouts}:by-seq       zset of the records by write sequence, for incremental reads
//	P {logouts}:by-expiry    zset of the records by expiry, for dropping expired ones
//	P jti:D(jti)             a used single-use id, until it expires
//	P lock:D(key)            a refresh lock: the holder's random token, for the lease
//	P result:D(key)          a published refresh result, sealed, for its ttl
//
// Sessions and refresh results hold tokens: they are sealed (AES-256-CTR then HMAC-SHA256,
// keys derived from Options.Secret for purposes of their own, see session.Codec), and each is
// bound to its key, so a value copied to another key does not open. An index set lives as long
// as the longest-lived session it has held; Delete removes a session from its sets, and members
// whose session expired are removed when DeleteByLogoutToken finds them, or expire with the set.
// The logout records live until the expiry RecordLogout is given: the three keys expire with
// the latest, and each write drops records already expired.
//
// # Redis Cluster
//
// Every command and script touches one key, except the scripts on the logout records, whose
// three keys share the hash tag {logouts}. Sessions are not grouped under a hash tag: a session
// and its index sets may live on different nodes, so DeleteByLogoutToken reads the index, then
// deletes each session with a script on that session's key alone that checks the session's own
// sid and sub. Update is a script on the same key, so a write racing a logout never brings a
// session back. The cost is that Set writes the index before the session, in two steps: a
// failure between leaves an index member without a session, which is harmless. With a hash
// tag in KeyPrefix ("{myapp}:"), every key goes to one slot.
//
// # Failures
//
// A Redis that cannot be used makes every method return an error wrapping
// session.ErrUnavailable and the client's error, never a "not found": the middleware answers
// 503 rather than "signed out". The methods work again as soon as Redis answers.
package redisstore
