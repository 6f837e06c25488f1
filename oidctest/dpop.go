package oidctest

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// DPoPProofWindow is how far a DPoP proof's iat may lie from the server's clock, either way;
// a proof's jti is remembered this long to refuse it a second time.
const DPoPProofWindow = time.Minute

// WithDPoPNonce makes the server demand its nonce in every DPoP proof (RFC 9449 §8 and §9):
// the token endpoint and the UserInfo endpoint send it in a DPoP-Nonce header, and refuse a
// proof without it, or with an old one ([Server.RotateDPoPNonce]), with use_dpop_nonce (400 at
// the token endpoint, 401 with a DPoP challenge at UserInfo).
func WithDPoPNonce() Option { return func(cfg *config) { cfg.dpopNonce = true } }

// dpopSigningAlgs are the proof algorithms the server accepts (its discovery document's
// dpop_signing_alg_values_supported).
func dpopSigningAlgs() []jose.SignatureAlgorithm {
	return []jose.SignatureAlgorithm{
		jose.ES256, jose.ES384, jose.ES512, jose.RS256, jose.RS384, jose.RS512,
		jose.PS256, jose.PS384, jose.PS512, jose.EdDSA,
	}
}

// dpopCheck is what a request's DPoP proof must match (RFC 9449 §4.3).
type dpopCheck struct {
	method, url string
	// accessToken, when set, must be the token the proof's ath hashes.
	accessToken string
	// required refuses a request without a proof.
	required bool
}

// dpopError is a refused proof: an OAuth error at the token endpoint, a WWW-Authenticate
// challenge at a resource.
type dpopError struct {
	code, description string
}

func errInvalidDPoPProof(desc string) *dpopError {
	return &dpopError{code: "invalid_dpop_proof", description: desc}
}

// checkDPoP verifies the request's DPoP proof and returns its key's thumbprint, or "" when the
// request has none and none is required. It checks RFC 9449 §4.3: one header, a JWT of typ
// dpop+jwt signed by an asymmetric algorithm with the public key in its header, htm, htu, iat
// within DPoPProofWindow, a jti not seen before, ath, and the server's nonce when it demands
// nonces ([WithDPoPNonce]).
func (s *Server) checkDPoP(r *http.Request, want dpopCheck) (string, *dpopError) {
	headers := r.Header.Values("DPoP")
	switch {
	case len(headers) == 0 && want.required:
		return "", errInvalidDPoPProof("a DPoP proof is required")
	case len(headers) == 0:
		return "", nil
	case len(headers) > 1:
		return "", errInvalidDPoPProof("more than one DPoP header")
	}
	jwk, claims, err := parseDPoPProof(headers[0])
	if err != nil {
		return "", err
	}
	if err := s.checkDPoPClaims(claims, want); err != nil {
		return "", err
	}
	tp, tpErr := jwk.Thumbprint(crypto.SHA256)
	if tpErr != nil {
		return "", errInvalidDPoPProof("the proof's key has no thumbprint")
	}
	return b64(tp), nil
}

// proofClaims are a DPoP proof's claims.
type proofClaims struct {
	JTI   string `json:"jti"`
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	IAT   *int64 `json:"iat"`
	ATH   string `json:"ath"`
	Nonce string `json:"nonce"`
}

// parseDPoPProof checks a proof's form and signature and returns its key and claims.
func parseDPoPProof(proof string) (*jose.JSONWebKey, *proofClaims, *dpopError) {
	jws, err := jose.ParseSignedCompact(proof, dpopSigningAlgs())
	if err != nil {
		return nil, nil, errInvalidDPoPProof("the proof is not a JWS of an accepted algorithm: " + err.Error())
	}
	h := jws.Signatures[0].Protected
	switch {
	case h.ExtraHeaders["typ"] != "dpop+jwt":
		return nil, nil, errInvalidDPoPProof("the proof's typ is not dpop+jwt")
	case h.JSONWebKey == nil:
		return nil, nil, errInvalidDPoPProof("the proof has no jwk header")
	case !h.JSONWebKey.IsPublic():
		return nil, nil, errInvalidDPoPProof("the proof's jwk holds a private key")
	}
	payload, err := jws.Verify(h.JSONWebKey)
	if err != nil {
		return nil, nil, errInvalidDPoPProof("the proof's signature does not verify with its jwk")
	}
	var c proofClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, nil, errInvalidDPoPProof("the proof's claims do not decode")
	}
	if c.JTI == "" || c.HTM == "" || c.HTU == "" || c.IAT == nil {
		return nil, nil, errInvalidDPoPProof("the proof needs jti, htm, htu and iat")
	}
	return h.JSONWebKey, &c, nil
}

// checkDPoPClaims checks the claims against the request and the server's state.
func (s *Server) checkDPoPClaims(c *proofClaims, want dpopCheck) *dpopError {
	if c.HTM != want.method {
		return errInvalidDPoPProof("htm is not the request's method")
	}
	if !sameTarget(c.HTU, want.url) {
		return errInvalidDPoPProof("htu is not the request's URL")
	}
	now := s.Now()
	if iat := time.Unix(*c.IAT, 0); iat.Before(now.Add(-DPoPProofWindow)) || iat.After(now.Add(DPoPProofWindow)) {
		return errInvalidDPoPProof("iat is too far from the server's clock")
	}
	if want.accessToken != "" && subtle.ConstantTimeCompare([]byte(c.ATH), []byte(tokenHash(want.accessToken))) != 1 {
		return errInvalidDPoPProof("ath is not the access token's hash")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.dpopNonce && c.Nonce != s.dpopNonce {
		return &dpopError{code: "use_dpop_nonce", description: "the proof must carry the server's DPoP-Nonce"}
	}
	for jti, until := range s.dpopJTIs {
		if now.After(until) {
			delete(s.dpopJTIs, jti)
		}
	}
	if _, seen := s.dpopJTIs[c.JTI]; seen {
		return errInvalidDPoPProof("the proof's jti was used before")
	}
	s.dpopJTIs[c.JTI] = now.Add(2 * DPoPProofWindow)
	s.dpopProofs++
	return nil
}

// sameTarget compares an htu with the request's URL, without query and fragment, scheme and
// host case-insensitively (RFC 9449 §4.3 point 9).
func sameTarget(htu, want string) bool {
	a, errA := url.Parse(htu)
	b, errB := url.Parse(want)
	if errA != nil || errB != nil {
		return false
	}
	norm := func(u *url.URL) string {
		path := u.EscapedPath()
		if path == "" {
			path = "/"
		}
		return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + path
	}
	return norm(a) == norm(b)
}

// tokenHash is a proof's ath for an access token.
func tokenHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return b64(sum[:])
}

// setDPoPNonce sends the server's current nonce, when it demands nonces.
func (s *Server) setDPoPNonce(w http.ResponseWriter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.dpopNonce {
		w.Header().Set("DPoP-Nonce", s.dpopNonce)
	}
}

// RotateDPoPNonce replaces the nonce the server demands in DPoP proofs ([WithDPoPNonce]): the
// next proof with the old one is refused with use_dpop_nonce and the new one.
func (s *Server) RotateDPoPNonce() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dpopNonce = rand.Text()
}

// DPoPProofs returns how many DPoP proofs the server has accepted, at its token endpoint and
// its resources together.
func (s *Server) DPoPProofs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dpopProofs
}

func dpopAlgNames() []string {
	algs := dpopSigningAlgs()
	out := make([]string, len(algs))
	for i, a := range algs {
		out[i] = string(a)
	}
	return out
}

// dpopScheme reports whether the request presents its token with the DPoP scheme.
func dpopScheme(r *http.Request) bool {
	scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	return strings.EqualFold(scheme, "DPoP")
}

// dpopUserinfo serves the UserInfo endpoint for a DPoP token (RFC 9449 §7): the proof must
// go with the token (ath) and be signed by the key the token is bound to.
func (s *Server) dpopUserinfo(w http.ResponseWriter, r *http.Request) {
	_, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	tok = strings.TrimSpace(tok)
	jkt, derr := s.checkDPoP(r, dpopCheck{method: r.Method, url: s.URL(EndpointUserinfo), accessToken: tok, required: true})
	if derr != nil {
		dpopResourceError(w, derr.code, derr.description)
		return
	}
	rec, err := s.checkAccessToken(tok)
	switch {
	case err != nil:
		dpopResourceError(w, "invalid_token", err.Error())
	case rec.jkt == "":
		dpopResourceError(w, "invalid_token", "the token is not bound to a DPoP key")
	case rec.jkt != jkt:
		dpopResourceError(w, "invalid_token", "the token is bound to another DPoP key")
	default:
		s.writeUserinfo(w, rec)
	}
}

// dpopResourceError refuses a resource request with a DPoP challenge (RFC 9449 §7.1).
func dpopResourceError(w http.ResponseWriter, code, desc string) {
	w.Header().Set("WWW-Authenticate", `DPoP algs="`+strings.Join(dpopAlgNames(), " ")+`", error="`+code+`", error_description="`+strings.ReplaceAll(desc, `"`, `'`)+`"`)
	writeJSON(w, http.StatusUnauthorized, map[string]string{"error": code, "error_description": desc})
}
