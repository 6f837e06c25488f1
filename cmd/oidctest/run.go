package main

import (
	"context"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/authchain/authchain/oidctest"
)

// settings are the command-line flags.
type settings struct {
	addr                  string
	client                oidctest.Client
	user                  oidctest.User
	userName, userEmail   string
	loginForm, tls        bool
	alg                   string
	idTTL, accessTTL      time.Duration
	reuseGrace            time.Duration
	certOut               string
	requestLogLimit       int
	noBackChannelOnLogout bool
	dpopNonce             bool
	connections           []oidctest.Connection
}

// run starts the provider, prints its issuer to stdout and serves until ctx
// is done.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	st, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	srv, err := oidctest.New(st.options()...)
	if err != nil {
		return err
	}
	if err := srv.Start(st.addr); err != nil {
		return err
	}
	defer srv.Close()
	if err := st.writeCert(srv); err != nil {
		return err
	}
	printBanner(stdout, srv, st)
	<-ctx.Done()
	return srv.Close()
}

func parseFlags(args []string, out io.Writer) (*settings, error) {
	st := &settings{}
	fs := flag.NewFlagSet("oidctest", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&st.addr, "addr", "127.0.0.1:4400", "listen `address` (host:port)")
	fs.StringVar(&st.client.ID, "client-id", "app", "client_id of the registered client")
	fs.StringVar(&st.client.Secret, "client-secret", "", "client_secret (client_secret_basic and client_secret_post)")
	fs.BoolVar(&st.client.Public, "public", false, "register a public client (no secret; PKCE only)")
	fs.Func("redirect-uri", "allowed redirect_uri (repeatable)", appendTo(&st.client.RedirectURIs))
	fs.Func("post-logout-redirect-uri", "allowed post-logout redirect (repeatable)", appendTo(&st.client.PostLogoutRedirectURIs))
	fs.StringVar(&st.client.BackChannelLogoutURI, "backchannel-logout-uri", "", "the client's back-channel logout `URI`")
	fs.BoolVar(&st.loginForm, "login-form", false, "show an HTML login form instead of logging the default user in")
	fs.StringVar(&st.user.Subject, "user-sub", oidctest.DefaultUser().Subject, "sub of the default user")
	fs.StringVar(&st.userName, "user-name", "Test User", "name of the default user")
	fs.StringVar(&st.userEmail, "user-email", "test.user@example.com", "email of the default user")
	fs.BoolVar(&st.tls, "tls", false, "serve HTTPS with a self-signed certificate")
	fs.StringVar(&st.certOut, "cert-out", "", "with -tls, write the certificate (PEM) to this `file`")
	fs.StringVar(&st.alg, "alg", "RS256", "signing algorithm: RS256 or ES256")
	fs.DurationVar(&st.idTTL, "id-token-ttl", time.Hour, "ID token lifetime")
	fs.DurationVar(&st.accessTTL, "access-token-ttl", time.Hour, "access token lifetime")
	fs.DurationVar(&st.reuseGrace, "refresh-reuse-grace", 0, "grace period for reusing a rotated refresh token")
	fs.IntVar(&st.requestLogLimit, "request-log-limit", 1000, "requests kept in memory")
	fs.BoolVar(&st.noBackChannelOnLogout, "no-backchannel-on-logout", false, "do not send back-channel logout tokens when a session ends")
	fs.BoolVar(&st.client.DPoPBoundAccessTokens, "dpop-required", false, "refuse the client's token requests without a DPoP proof")
	fs.BoolVar(&st.dpopNonce, "dpop-nonce", false, "demand the server's nonce in DPoP proofs")
	fs.Func("connection", "a Token Vault connection, `name[=scope]` (repeatable)", func(v string) error {
		name, scope, _ := strings.Cut(v, "=")
		if name == "" {
			return errors.New("a connection needs a name")
		}
		st.connections = append(st.connections, oidctest.Connection{Name: name, Scope: scope})
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return st, st.check()
}

func appendTo(list *[]string) func(string) error {
	return func(v string) error {
		*list = append(*list, v)
		return nil
	}
}

func (st *settings) check() error {
	if len(st.client.RedirectURIs) == 0 {
		return errors.New("at least one -redirect-uri is required")
	}
	if st.client.Secret == "" && !st.client.Public {
		return errors.New("give -client-secret, or -public for a public client")
	}
	if st.certOut != "" && !st.tls {
		return errors.New("-cert-out needs -tls")
	}
	return nil
}

func (st *settings) options() []oidctest.Option {
	st.user.Claims = map[string]any{"name": st.userName}
	if st.userEmail != "" {
		st.user.Claims["email"], st.user.Claims["email_verified"] = st.userEmail, true
	}
	opts := []oidctest.Option{
		oidctest.WithClient(st.client), oidctest.WithDefaultUser(st.user),
		oidctest.WithSigningAlg(st.alg), oidctest.WithIDTokenLifetime(st.idTTL),
		oidctest.WithAccessTokenLifetime(st.accessTTL), oidctest.WithRefreshTokenReuseGrace(st.reuseGrace),
		oidctest.WithRequestLogLimit(st.requestLogLimit),
	}
	if st.loginForm {
		opts = append(opts, oidctest.WithLoginForm())
	}
	if st.tls {
		opts = append(opts, oidctest.WithTLS())
	}
	if st.noBackChannelOnLogout {
		opts = append(opts, oidctest.WithoutBackChannelOnLogout())
	}
	if st.dpopNonce {
		opts = append(opts, oidctest.WithDPoPNonce())
	}
	for _, c := range st.connections {
		opts = append(opts, oidctest.WithConnection(c))
	}
	return opts
}

func (st *settings) writeCert(srv *oidctest.Server) error {
	if st.certOut == "" {
		return nil
	}
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(st.certOut, block, 0o644); err != nil {
		return fmt.Errorf("write certificate: %w", err)
	}
	return nil
}

func printBanner(w io.Writer, srv *oidctest.Server, st *settings) {
	kind := "confidential"
	if st.client.Public {
		kind = "public"
	}
	login := "non-interactive (default user " + st.user.Subject + ")"
	if st.loginForm {
		login = "login form"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "issuer: %s\n", srv.Issuer())
	fmt.Fprintf(&b, "discovery: %s\n", srv.URL(oidctest.EndpointDiscovery))
	fmt.Fprintf(&b, "client: %s (%s), redirect URIs %s\n", st.client.ID, kind, strings.Join(st.client.RedirectURIs, " "))
	fmt.Fprintf(&b, "login: %s\n", login)
	_, _ = io.WriteString(w, b.String())
}
