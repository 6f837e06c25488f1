// Package redisstore keeps the sessions of the instances of an application in Redis
// (go-redis v9). It is a module of its own, github.com/authchain/authchain/session/redisstore,
// so that only applications that use it depend on a Redis client.
//
// A *Store plugs into authchain.Config:
//
//	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"localhost:6379"}})
//	store, err := redisstore.New(rdb, redisstore.Options{Secret: secret})
//	if err != nil { … }
//	cfg := authchain.Config{
//		SessionStore: store, // session.Store, with Updater and LogoutDeleter
//		// …
//	}
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
//
// Sessions hold tokens: they are sealed (AES-256-CTR then HMAC-SHA256, keys derived from
// Options.Secret for a purpose of their own, see session.Codec), and each is bound to its key,
// so a value copied to another key does not open. An index set lives as long
// as the longest-lived session it has held; Delete removes a session from its sets, and members
// whose session expired are removed when DeleteByLogoutToken finds them, or expire with the set.
//
// # Redis Cluster
//
// Every command and script touches one key. Sessions are not grouped under a hash tag: a
// session and its index sets may live on different nodes, so DeleteByLogoutToken reads the index, then
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
