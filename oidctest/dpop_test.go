package oidctest_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/authchain/authchain/dpop"
	"github.com/authchain/authchain/oidctest"
)

// answer is an endpoint's answer.
type answer struct {
	status int
	header http.Header
	body   map[string]any
}

// send makes a request with the given headers and decodes the JSON answer.
func send(t *testing.T, srv *oidctest.Server, method, rawURL string, form url.Values, header http.Header) answer {
	t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, _ := http.NewRequestWithContext(t.Context(), method, rawURL, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, header: resp.Header}
	_ = json.NewDecoder(resp.Body).Decode(&a.body)
	return a
}

func newDPoPKey(t *testing.T, srv *oidctest.Server) *dpop.Key {
	t.Helper()
	k, err := dpop.GenerateKey(dpop.WithClock(srv.Now))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func proofHeader(t *testing.T, k *dpop.Key, method, rawURL, accessToken string) http.Header {
	t.Helper()
	p, err := k.Proof(method, rawURL, accessToken)
	if err != nil {
		t.Fatal(err)
	}
	return http.Header{"Dpop": {p}}
}

func clientCredentials() url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {testClientID}, "client_secret": {testSecret}}
}

// dpopLogin logs in with dpop_jkt naming k and exchanges the code with a proof of k.
func dpopLogin(t *testing.T, srv *oidctest.Server, k *dpop.Key) answer {
	t.Helper()
	r := newRP(t, srv, confidentialClient(), "openid", "email", "offline_access")
	code, verifier := r.code(oauth2.SetAuthURLParam("dpop_jkt", k.Thumbprint()))
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "code_verifier": {verifier},
		"redirect_uri": {testRedirectURI}, "client_id": {testClientID}, "client_secret": {testSecret},
	}
	return send(t, srv, "POST", srv.URL(oidctest.EndpointToken), form, proofHeader(t, k, "POST", srv.URL(oidctest.EndpointToken), ""))
}

func TestDPoPBoundTokensAndTheirUse(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	k := newDPoPKey(t, srv)
	a := dpopLogin(t, srv, k)
	if a.status != 200 || a.body["token_type"] != "DPoP" {
		t.Fatalf("exchange: %d %v, want 200 and token_type DPoP", a.status, a.body)
	}
	at := a.body["access_token"].(string)
	_, claims := jwtParts(t, at)
	if cnf, _ := claims["cnf"].(map[string]any); cnf["jkt"] != k.Thumbprint() {
		t.Errorf("cnf = %v, want jkt %s", claims["cnf"], k.Thumbprint())
	}

	userinfo := srv.URL(oidctest.EndpointUserinfo)
	h := proofHeader(t, k, "GET", userinfo, at)
	h.Set("Authorization", "DPoP "+at)
	if got := send(t, srv, "GET", userinfo, nil, h); got.status != 200 || got.body["sub"] == nil {
		t.Errorf("userinfo with token and proof: %d %v", got.status, got.body)
	}
	if got := send(t, srv, "GET", userinfo, nil, http.Header{"Authorization": {"Bearer " + at}}); got.status != 401 {
		t.Errorf("the bound token as a bearer token: %d, want 401", got.status)
	}
	other := newDPoPKey(t, srv)
	h = proofHeader(t, other, "GET", userinfo, at)
	h.Set("Authorization", "DPoP "+at)
	if got := send(t, srv, "GET", userinfo, nil, h); got.status != 401 || !strings.Contains(got.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("a proof of another key: %d %q, want 401 invalid_token", got.status, got.header.Get("WWW-Authenticate"))
	}
	h = proofHeader(t, k, "GET", userinfo, "another-token")
	h.Set("Authorization", "DPoP "+at)
	if got := send(t, srv, "GET", userinfo, nil, h); got.status != 401 || !strings.Contains(got.header.Get("WWW-Authenticate"), `error="invalid_dpop_proof"`) {
		t.Errorf("a proof for another token (ath): %d %q", got.status, got.header.Get("WWW-Authenticate"))
	}

	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {a.body["refresh_token"].(string)}, "client_id": {testClientID}, "client_secret": {testSecret}}
	r := send(t, srv, "POST", srv.URL(oidctest.EndpointToken), refresh, proofHeader(t, k, "POST", srv.URL(oidctest.EndpointToken), ""))
	if r.status != 200 || r.body["token_type"] != "DPoP" {
		t.Errorf("refresh with a proof: %d %v", r.status, r.body)
	}
}

func TestDPoPBindsTheCodeToDPoPJKT(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	k := newDPoPKey(t, srv)
	r := newRP(t, srv, confidentialClient())
	for name, proof := range map[string]http.Header{
		"another key": proofHeader(t, newDPoPKey(t, srv), "POST", srv.URL(oidctest.EndpointToken), ""),
		"no proof":    nil,
	} {
		code, verifier := r.code(oauth2.SetAuthURLParam("dpop_jkt", k.Thumbprint()))
		form := url.Values{
			"grant_type": {"authorization_code"}, "code": {code}, "code_verifier": {verifier},
			"redirect_uri": {testRedirectURI}, "client_id": {testClientID}, "client_secret": {testSecret},
		}
		if a := send(t, srv, "POST", srv.URL(oidctest.EndpointToken), form, proof); a.status != 400 || a.body["error"] != "invalid_grant" {
			t.Errorf("%s: %d %v, want 400 invalid_grant", name, a.status, a.body)
		}
	}
}

func TestDPoPWithoutAProofIssuesBearerTokens(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	a := send(t, srv, "POST", srv.URL(oidctest.EndpointToken), clientCredentials(), nil)
	if a.status != 200 || a.body["token_type"] != "Bearer" {
		t.Fatalf("%d %v", a.status, a.body)
	}
	if _, claims := jwtParts(t, a.body["access_token"].(string)); claims["cnf"] != nil {
		t.Errorf("a bearer token has cnf %v", claims["cnf"])
	}
}

func TestDPoPBoundClientNeedsProofs(t *testing.T) {
	t.Parallel()
	c := confidentialClient()
	c.DPoPBoundAccessTokens = true
	srv := newServer(t, oidctest.WithClient(c))
	if a := send(t, srv, "POST", srv.URL(oidctest.EndpointToken), clientCredentials(), nil); a.status != 400 || a.body["error"] != "invalid_dpop_proof" {
		t.Errorf("without a proof: %d %v", a.status, a.body)
	}
	k := newDPoPKey(t, srv)
	if a := send(t, srv, "POST", srv.URL(oidctest.EndpointToken), clientCredentials(), proofHeader(t, k, "POST", srv.URL(oidctest.EndpointToken), "")); a.status != 200 {
		t.Errorf("with a proof: %d %v", a.status, a.body)
	}
}

func TestDPoPNonces(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()), oidctest.WithDPoPNonce())
	k := newDPoPKey(t, srv)
	tokenURL := srv.URL(oidctest.EndpointToken)
	a := send(t, srv, "POST", tokenURL, clientCredentials(), proofHeader(t, k, "POST", tokenURL, ""))
	nonce := a.header.Get("DPoP-Nonce")
	if a.status != 400 || a.body["error"] != "use_dpop_nonce" || nonce == "" {
		t.Fatalf("without a nonce: %d %v nonce %q, want 400 use_dpop_nonce with a DPoP-Nonce", a.status, a.body, nonce)
	}
	k.SetNonce(tokenURL, nonce)
	a = send(t, srv, "POST", tokenURL, clientCredentials(), proofHeader(t, k, "POST", tokenURL, ""))
	if a.status != 200 {
		t.Fatalf("with the nonce: %d %v", a.status, a.body)
	}
	srv.RotateDPoPNonce()
	a = send(t, srv, "POST", tokenURL, clientCredentials(), proofHeader(t, k, "POST", tokenURL, ""))
	if a.status != 400 || a.body["error"] != "use_dpop_nonce" || a.header.Get("DPoP-Nonce") == nonce {
		t.Errorf("with the old nonce: %d %v, new nonce %q", a.status, a.body, a.header.Get("DPoP-Nonce"))
	}

	userinfo := srv.URL(oidctest.EndpointUserinfo)
	k.SetNonce(tokenURL, a.header.Get("DPoP-Nonce"))
	login := dpopLogin(t, srv, k)
	at, _ := login.body["access_token"].(string)
	h := proofHeader(t, newDPoPKey(t, srv), "GET", userinfo, at) // a key that knows no nonce
	h.Set("Authorization", "DPoP "+at)
	u := send(t, srv, "GET", userinfo, nil, h)
	if u.status != 401 || !strings.Contains(u.header.Get("WWW-Authenticate"), `error="use_dpop_nonce"`) || u.header.Get("DPoP-Nonce") == "" {
		t.Errorf("userinfo without the nonce: %d %q", u.status, u.header.Get("WWW-Authenticate"))
	}
}

// signProof signs claims as a proof, with typ, alg and the jwk chosen by the test.
func signProof(t *testing.T, key crypto.Signer, alg jose.SignatureAlgorithm, typ string, claims map[string]any, embed any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType(jose.ContentType(typ)).WithHeader("jwk", embed)
	var signingKey any = key
	if alg == jose.HS256 {
		signingKey = []byte("a-shared-secret-of-32-bytes-long!")
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: signingKey}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := jws.CompactSerialize()
	return out
}

func TestDPoPProofRefusals(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	tokenURL := srv.URL(oidctest.EndpointToken)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pub := jose.JSONWebKey{Key: key.Public()}
	priv := jose.JSONWebKey{Key: key}
	now := srv.Now().Unix()
	good := func() map[string]any {
		return map[string]any{"jti": rand.Text(), "htm": "POST", "htu": tokenURL, "iat": now}
	}
	with := func(k string, v any) map[string]any {
		c := good()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	replayed := signProof(t, key, jose.ES256, "dpop+jwt", good(), pub)
	if a := send(t, srv, "POST", tokenURL, clientCredentials(), http.Header{"Dpop": {replayed}}); a.status != 200 {
		t.Fatalf("a good hand-made proof: %d %v", a.status, a.body)
	}
	tampered := signProof(t, key, jose.ES256, "dpop+jwt", good(), pub)
	parts := strings.Split(tampered, ".")
	parts[1] = strings.TrimRight(parts[1], "=") + "x"
	cases := map[string][]string{
		"replayed jti":  {replayed},
		"wrong htm":     {signProof(t, key, jose.ES256, "dpop+jwt", with("htm", "GET"), pub)},
		"wrong htu":     {signProof(t, key, jose.ES256, "dpop+jwt", with("htu", srv.URL(oidctest.EndpointUserinfo)), pub)},
		"old iat":       {signProof(t, key, jose.ES256, "dpop+jwt", with("iat", now-600), pub)},
		"future iat":    {signProof(t, key, jose.ES256, "dpop+jwt", with("iat", now+600), pub)},
		"no jti":        {signProof(t, key, jose.ES256, "dpop+jwt", with("jti", nil), pub)},
		"no iat":        {signProof(t, key, jose.ES256, "dpop+jwt", with("iat", nil), pub)},
		"typ JWT":       {signProof(t, key, jose.ES256, "JWT", good(), pub)},
		"HS256":         {signProof(t, key, jose.HS256, "dpop+jwt", good(), pub)},
		"private jwk":   {signProof(t, key, jose.ES256, "dpop+jwt", good(), priv)},
		"bad signature": {strings.Join(parts, ".")},
		"two headers":   {signProof(t, key, jose.ES256, "dpop+jwt", good(), pub), signProof(t, key, jose.ES256, "dpop+jwt", good(), pub)},
		"not a JWT":     {"garbage"},
		"another jwk":   {signProof(t, key, jose.ES256, "dpop+jwt", good(), jose.JSONWebKey{Key: mustP256(t).Public()})},
	}
	for name, headers := range cases {
		a := send(t, srv, "POST", tokenURL, clientCredentials(), http.Header{"Dpop": headers})
		if a.status != 400 || a.body["error"] != "invalid_dpop_proof" {
			t.Errorf("%s: %d %v, want 400 invalid_dpop_proof", name, a.status, a.body)
		}
	}
}

func mustP256(t *testing.T) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestDPoPPublicClientsRefreshTokensAreBound(t *testing.T) {
	t.Parallel()
	c := oidctest.Client{ID: "spa", Public: true, RedirectURIs: []string{testRedirectURI}}
	srv := newServer(t, oidctest.WithClient(c))
	k := newDPoPKey(t, srv)
	r := newRP(t, srv, c, "openid", "offline_access")
	code, verifier := r.code()
	tokenURL := srv.URL(oidctest.EndpointToken)
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "code_verifier": {verifier},
		"redirect_uri": {testRedirectURI}, "client_id": {"spa"},
	}
	a := send(t, srv, "POST", tokenURL, form, proofHeader(t, k, "POST", tokenURL, ""))
	rt, _ := a.body["refresh_token"].(string)
	if a.status != 200 || rt == "" {
		t.Fatalf("exchange: %d %v", a.status, a.body)
	}
	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {"spa"}}
	for name, h := range map[string]http.Header{
		"no proof":    nil,
		"another key": proofHeader(t, newDPoPKey(t, srv), "POST", tokenURL, ""),
	} {
		if got := send(t, srv, "POST", tokenURL, refresh, h); got.status != 400 || got.body["error"] != "invalid_grant" {
			t.Errorf("%s: %d %v, want invalid_grant", name, got.status, got.body)
		}
	}
	if got := send(t, srv, "POST", tokenURL, refresh, proofHeader(t, k, "POST", tokenURL, "")); got.status != 200 {
		t.Errorf("the same key: %d %v", got.status, got.body)
	}
}

func TestDiscoveryListsDPoPAlgorithms(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	resp, err := srv.HTTPClient().Get(srv.URL(oidctest.EndpointDiscovery))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Algs []string `json:"dpop_signing_alg_values_supported"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&doc)
	if !slices.Contains(doc.Algs, "ES256") || slices.Contains(doc.Algs, "HS256") {
		t.Errorf("dpop_signing_alg_values_supported = %v", doc.Algs)
	}
}

// TestDPoPBoundRefreshTokenInTheTokenVaultExchange: a public client's refresh token bound to
// a DPoP key is exchanged for a connection's token only with a proof of that key.
func TestDPoPBoundRefreshTokenInTheTokenVaultExchange(t *testing.T) {
	t.Parallel()
	c := oidctest.Client{ID: "spa", Public: true, RedirectURIs: []string{testRedirectURI}}
	srv := newServer(t, oidctest.WithClient(c), oidctest.WithConnection(oidctest.Connection{Name: "google-oauth2"}))
	k := newDPoPKey(t, srv)
	r := newRP(t, srv, c, "openid", "offline_access")
	code, verifier := r.code()
	tokenURL := srv.URL(oidctest.EndpointToken)
	a := send(t, srv, "POST", tokenURL, url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "code_verifier": {verifier},
		"redirect_uri": {testRedirectURI}, "client_id": {"spa"},
	}, proofHeader(t, k, "POST", tokenURL, ""))
	rt, _ := a.body["refresh_token"].(string)
	if rt == "" {
		t.Fatalf("exchange: %d %v", a.status, a.body)
	}
	exchange := url.Values{
		"grant_type":           {"urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token"},
		"subject_token":        {rt},
		"subject_token_type":   {"urn:ietf:params:oauth:token-type:refresh_token"},
		"requested_token_type": {"http://auth0.com/oauth/token-type/federated-connection-access-token"},
		"connection":           {"google-oauth2"}, "client_id": {"spa"},
	}
	for name, h := range map[string]http.Header{
		"no proof":    nil,
		"another key": proofHeader(t, newDPoPKey(t, srv), "POST", tokenURL, ""),
	} {
		if got := send(t, srv, "POST", tokenURL, exchange, h); got.status != 400 || got.body["error"] != "invalid_grant" {
			t.Errorf("%s: %d %v, want invalid_grant", name, got.status, got.body)
		}
	}
	if got := send(t, srv, "POST", tokenURL, exchange, proofHeader(t, k, "POST", tokenURL, "")); got.status != 200 {
		t.Errorf("the same key: %d %v", got.status, got.body)
	}
}
