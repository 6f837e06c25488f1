package redisstore_test

import (
	"log"
	"net/http"
	"os"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/session/redisstore"
)

// A Store keeps the sessions of every instance of an application in Redis, and what else the
// instances share: it is the Config's SessionStore, LogoutReplayCache and RefreshCoordinator.
// (The examples need a Redis server, so they are compiled but not run.)
func ExampleNew() {
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs: []string{"localhost:6379"}, // several addresses: a Cluster; with MasterName: Sentinel
	})
	defer rdb.Close()
	store, err := redisstore.New(rdb, redisstore.Options{Secret: os.Getenv("AUTH0_SECRET")})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	cfg, err := authchain.ConfigFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	cfg.SessionStore = store       // the sessions, which back-channel logout deletes
	cfg.LogoutReplayCache = store  // each logout token is acted on once, by one instance
	cfg.RefreshCoordinator = store // each refresh token is spent once, by one instance
	client, err := authchain.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	log.Fatal(http.ListenAndServe(":3000", client.Middleware(mux)))
}

// Sessions can stay in the browser's cookies with several instances: the Store then keeps the
// back-channel logouts that every instance checks, the LogoutRecords.
func ExampleNew_cookieSessions() {
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"localhost:6379"}})
	defer rdb.Close()
	store, err := redisstore.New(rdb, redisstore.Options{
		Secret:               os.Getenv("AUTH0_SECRET"),
		LogoutRecordsRefresh: redisstore.DefaultLogoutRecordsRefresh, // how stale a logout may be
	})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	cfg, err := authchain.ConfigFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	cfg.LogoutRecords = store // the sessions a logout token named read as signed out
	cfg.LogoutReplayCache = store
	cfg.RefreshCoordinator = store
	cfg.LogoutRecordsFailOpen = false // while Redis is down: 503 (true: serve every session)
	client, err := authchain.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	log.Fatal(http.ListenAndServe(":3000", client.Middleware(mux)))
}
