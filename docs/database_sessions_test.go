package docs_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/session"
)

// With a SessionStore, sessions live on the server and the cookie holds only a sealed id.
func Example_memoryStore() {
	store := session.NewMemoryStore(nil)
	cfg := authchain.Config{SessionStore: store}
	tb := start(cfg, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "signed in: ", authchain.SessionFrom(r.Context()) != nil)
		})
		return client.Middleware(mux)
	})
	defer tb.Close()

	for _, c := range tb.LoginCookies() {
		if c.Name == "__session" {
			fmt.Println("cookie:", len(c.Value) < 200, "stored sessions:", store.Len())
		}
	}
	_, _, body := tb.Get("/")
	fmt.Println(body)
	_, _, body = tb.Get("/auth/logout")
	fmt.Println(body, "stored sessions:", store.Len())
	// Output:
	// cookie: true stored sessions: 1
	// signed in: true
	// signed in: false stored sessions: 0
}

// tracingStore is a Store that reports what authchain asks of it.
type tracingStore struct {
	*session.MemoryStore // Get, Set, Delete, and the optional Update and DeleteByLogoutToken
}

func (s tracingStore) Get(ctx context.Context, id string) (*session.Session, error) {
	fmt.Print(" Get")
	return s.MemoryStore.Get(ctx, id)
}

func (s tracingStore) Set(ctx context.Context, id string, sess *session.Session, expiresAt time.Time) error {
	fmt.Print(" Set")
	return s.MemoryStore.Set(ctx, id, sess, expiresAt)
}

func (s tracingStore) Update(ctx context.Context, id string, sess *session.Session, expiresAt time.Time) (bool, error) {
	fmt.Print(" Update")
	return s.MemoryStore.Update(ctx, id, sess, expiresAt)
}

func (s tracingStore) Delete(ctx context.Context, id string) error {
	fmt.Print(" Delete")
	return s.MemoryStore.Delete(ctx, id)
}

// What each request asks of the store.
func Example_storeCalls() {
	cfg := authchain.Config{SessionStore: tracingStore{session.NewMemoryStore(nil)}}
	tb := start(cfg, func(client *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {})
		mux.HandleFunc("POST /theme", func(w http.ResponseWriter, r *http.Request) {
			s := authchain.SessionFrom(r.Context())
			s.User.Set("theme", "dark")
			_ = client.UpdateSession(w, r, s)
		})
		return client.Middleware(mux)
	})
	defer tb.Close()

	fmt.Print("login, landing on /:")
	tb.LoginCookies()
	fmt.Print("\npage:")
	tb.Get("/")
	fmt.Print("\nupdate:")
	tb.Fetch(http.MethodPost, "/theme")
	fmt.Print("\nlogout:")
	tb.Fetch(http.MethodGet, "/auth/logout")
	fmt.Println()
	// Output:
	// login, landing on /: Set Get
	// page: Get
	// update: Get Update
	// logout: Get Delete
}

// sqlStore keeps sessions in a SQL table (PostgreSQL here):
//
//	CREATE TABLE sessions (
//		id         text PRIMARY KEY,
//		sid        text NOT NULL,
//		sub        text NOT NULL,
//		data       jsonb NOT NULL,
//		expires_at timestamptz NOT NULL
//	);
//	CREATE INDEX ON sessions (sid);
//	CREATE INDEX ON sessions (sub);
type sqlStore struct {
	db *sql.DB
}

var (
	_ session.Store         = (*sqlStore)(nil)
	_ session.Updater       = (*sqlStore)(nil)
	_ session.LogoutDeleter = (*sqlStore)(nil)
)

// Get returns the session stored under id; nil, nil when there is none.
func (s *sqlStore) Get(ctx context.Context, id string) (*session.Session, error) {
	var data []byte
	err := s.db.QueryRowContext(ctx,
		`SELECT data FROM sessions WHERE id = $1 AND expires_at > now()`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil // not found is not an error
	}
	if err != nil {
		return nil, err
	}
	var sess session.Session
	if err := json.Unmarshal(data, &sess); err != nil {
		return nil, err
	}
	return &sess, nil
}

// Set stores sess under id until expiresAt, replacing what was there.
func (s *sqlStore) Set(ctx context.Context, id string, sess *session.Session, expiresAt time.Time) error {
	data, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx,
		`INSERT INTO sessions (id, sid, sub, data, expires_at) VALUES ($1, $2, $3, $4, $5)
		 ON CONFLICT (id) DO UPDATE SET sid = $2, sub = $3, data = $4, expires_at = $5`,
		id, sess.Internal.SID, sess.Subject(), data, expiresAt)
	return err
}

// Update replaces the session stored under id, only if it is still there.
func (s *sqlStore) Update(ctx context.Context, id string, sess *session.Session, expiresAt time.Time) (bool, error) {
	data, err := json.Marshal(sess)
	if err != nil {
		return false, err
	}
	res, err := s.db.ExecContext(ctx,
		`UPDATE sessions SET sid = $2, sub = $3, data = $4, expires_at = $5 WHERE id = $1 AND expires_at > now()`,
		id, sess.Internal.SID, sess.Subject(), data, expiresAt)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Delete removes the session stored under id.
func (s *sqlStore) Delete(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, id)
	return err
}

// DeleteByLogoutToken deletes the sessions a back-channel logout names: by the provider's
// session id, by the user, or by both (then a session must match both).
func (s *sqlStore) DeleteByLogoutToken(ctx context.Context, t session.LogoutToken) (int, error) {
	if t.SID == "" && t.Subject == "" {
		return 0, nil
	}
	res, err := s.db.ExecContext(ctx,
		`DELETE FROM sessions WHERE ($1 = '' OR sid = $1) AND ($2 = '' OR sub = $2)`, t.SID, t.Subject)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func Example_sqlStore() {
	db, err := sql.Open("pgx", os.Getenv("DATABASE_URL")) // with the database's driver imported
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := authchain.ConfigFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	cfg.SessionStore = &sqlStore{db: db}
	client, err := authchain.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(":3000", client.Middleware(http.DefaultServeMux)))
}
