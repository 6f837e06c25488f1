package oidctest

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// authRequest is a validated authorization request (RFC 6749 §4.1.1,
// OpenID Connect Core 1.0 §3.1.2.1, RFC 7636 §4.3, RFC 8707 §2).
type authRequest struct {
	clientID    string
	redirectURI string
	state       string
	nonce       string
	challenge   string
	scopes      []string
	prompts     []string
	maxAge      time.Duration
	hasMaxAge   bool
	audience    string
	resources   []string
	acrValues   []string
	dpopJKT     string // dpop_jkt: the DPoP key the code is bound to (RFC 9449 §10)
}

func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	params := r.Form
	if uri := params.Get("request_uri"); uri != "" {
		p, err := s.takePAR(uri, params.Get("client_id"))
		if err != nil {
			writeOAuthError(w, err)
			return
		}
		params = p
	}
	req, err := s.authTarget(params)
	if err != nil {
		writeOAuthError(w, err) // never redirect to an unverified redirect_uri (RFC 6749 §4.1.2.1)
		return
	}
	if err := req.parse(params); err != nil {
		s.redirectError(w, r, req, err)
		return
	}
	s.authenticate(w, r, req)
}

// authTarget checks the client and its redirect URI, which must be right
// before any error can be redirected.
func (s *Server) authTarget(params url.Values) (*authRequest, *oauthError) {
	for _, name := range []string{"client_id", "redirect_uri"} {
		if len(params[name]) != 1 || params.Get(name) == "" {
			return nil, errInvalidRequest("exactly one " + name + " is required")
		}
	}
	c, ok := s.client(params.Get("client_id"))
	if !ok {
		return nil, errInvalidRequest("unknown client_id")
	}
	redirect := params.Get("redirect_uri")
	if !slices.Contains(c.RedirectURIs, redirect) {
		return nil, errInvalidRequest("redirect_uri is not registered for the client")
	}
	return &authRequest{clientID: c.ID, redirectURI: redirect, state: params.Get("state")}, nil
}

// parse reads and checks the request's other parameters.
func (req *authRequest) parse(params url.Values) *oauthError {
	if err := checkSingle(params); err != nil {
		return err
	}
	if err := checkResponseType(params); err != nil {
		return err
	}
	if err := req.parsePKCE(params); err != nil {
		return err
	}
	if err := req.parsePrompt(params); err != nil {
		return err
	}
	if err := req.parseTarget(params); err != nil {
		return err
	}
	req.nonce = params.Get("nonce")
	req.scopes = strings.Fields(params.Get("scope"))
	req.dpopJKT = params.Get("dpop_jkt")
	if req.dpopJKT != "" && (len(req.dpopJKT) != 43 || strings.Trim(req.dpopJKT, base64URLAlphabet) != "") {
		return errInvalidRequest("dpop_jkt is not a base64url SHA-256 JWK thumbprint")
	}
	return nil
}

// checkSingle refuses repeated parameters (RFC 6749 §3.1); only resource
// may repeat (RFC 8707 §2).
func checkSingle(params url.Values) *oauthError {
	for k, v := range params {
		if len(v) > 1 && k != "resource" {
			return errInvalidRequest("parameter " + k + " repeated")
		}
	}
	return nil
}

func checkResponseType(params url.Values) *oauthError {
	if params.Has("request") {
		return &oauthError{status: http.StatusBadRequest, code: "request_not_supported", description: "request objects are not supported"}
	}
	switch params.Get("response_type") {
	case "code":
	case "":
		return errInvalidRequest("response_type is required")
	default:
		return &oauthError{status: http.StatusBadRequest, code: "unsupported_response_type", description: "only response_type=code is supported"}
	}
	if m := params.Get("response_mode"); m != "" && m != "query" {
		return errInvalidRequest("only response_mode=query is supported")
	}
	return nil
}

// parsePKCE requires an S256 code challenge (RFC 7636 §4.3, §4.4.1).
func (req *authRequest) parsePKCE(params url.Values) *oauthError {
	challenge, method := params.Get("code_challenge"), params.Get("code_challenge_method")
	switch {
	case challenge == "":
		return errInvalidRequest("code_challenge is required (PKCE)")
	case method == "" || method == "plain":
		return errInvalidRequest("code_challenge_method must be S256")
	case method != "S256":
		return errInvalidRequest("transform algorithm not supported")
	case len(challenge) != 43 || strings.Trim(challenge, base64URLAlphabet) != "":
		return errInvalidRequest("code_challenge is not a base64url SHA-256 hash")
	}
	req.challenge = challenge
	return nil
}

const base64URLAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func (req *authRequest) parsePrompt(params url.Values) *oauthError {
	req.prompts = strings.Fields(params.Get("prompt"))
	for _, p := range req.prompts {
		if !slices.Contains([]string{"none", "login", "consent", "select_account"}, p) {
			return errInvalidRequest("unsupported prompt value " + p)
		}
	}
	if slices.Contains(req.prompts, "none") && len(req.prompts) > 1 {
		return errInvalidRequest("prompt=none cannot be combined with other values")
	}
	if v := params.Get("max_age"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return errInvalidRequest("max_age must be a non-negative integer")
		}
		req.maxAge, req.hasMaxAge = time.Duration(n)*time.Second, true
	}
	req.acrValues = strings.Fields(params.Get("acr_values"))
	return nil
}

// parseTarget reads Auth0's audience and RFC 8707's resource parameters.
func (req *authRequest) parseTarget(params url.Values) *oauthError {
	res, err := parseResources(params)
	if err != nil {
		return err
	}
	req.audience, req.resources = params.Get("audience"), res
	return nil
}

func parseResources(params url.Values) ([]string, *oauthError) {
	for _, r := range params["resource"] {
		if checkAbsoluteURL(r) != nil {
			return nil, errInvalidTarget("resource must be an absolute URI without a fragment")
		}
	}
	return slices.Clone(params["resource"]), nil
}

// requiresLogin reports whether the session cannot serve req without a new login.
func (req *authRequest) requiresLogin(ss *session, now time.Time) bool {
	if slices.Contains(req.prompts, "login") {
		return true
	}
	return req.hasMaxAge && (req.maxAge == 0 || now.Sub(ss.authTime) > req.maxAge)
}
