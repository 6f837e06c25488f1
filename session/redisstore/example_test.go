package redisstore_test

import (
	"log"
	"net/http"
	"os"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/session/redisstore"
)

// A Store keeps the sessions of every instance of an application in Redis: set it as the
// Config's SessionStore. The same Store is meant for the Config's LogoutRecords,
// LogoutReplayCache and RefreshCoordinator. (The example needs a Redis server, so it is
// compiled but not run.)
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
	cfg.SessionStore = store
	client, err := authchain.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	log.Fatal(http.ListenAndServe(":3000", client.Middleware(mux)))
}
