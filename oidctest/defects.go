package oidctest

import (
	"net/url"
	"time"
)

// Defect is a deliberate flaw in the next ID token, queued with
// [Server.QueueIDTokenDefect] to test that a relying party refuses it.
type Defect int

// The ID token defects.
const (
	// DefectWrongIssuer sets iss to another issuer.
	DefectWrongIssuer Defect = iota + 1
	// DefectWrongAudience sets aud to another client.
	DefectWrongAudience
	// DefectExpired sets exp one minute in the past (and iat one lifetime before).
	DefectExpired
	// DefectUnknownKID signs with a key the JWKS does not publish.
	DefectUnknownKID
	// DefectAlgNone sends an unsigned token with alg "none".
	DefectAlgNone
	// DefectWrongNonce sets a nonce other than the one of the authorization request.
	DefectWrongNonce
	// DefectMissingNonce leaves out the nonce.
	DefectMissingNonce
	// DefectIssuedInFuture sets iat ten minutes ahead (exp one lifetime after it).
	DefectIssuedInFuture
	// DefectBadSignature sends a signature that does not verify.
	DefectBadSignature
	// DefectWrongAtHash sets an at_hash that does not match the access token.
	DefectWrongAtHash
	// DefectWrongSubject sets sub to [WrongSubject], another user than the grant's.
	DefectWrongSubject
)

// WrongIssuer is the iss of tokens and authorization responses that carry a
// wrong-issuer defect.
const WrongIssuer = "https://wrong-issuer.example"

// WrongAudience is the aud of tokens that carry a wrong-audience defect.
const WrongAudience = "wrong-audience"

// WrongSubject is the sub of tokens that carry a wrong-subject defect.
const WrongSubject = "oidctest|wrong-subject"

// QueueIDTokenDefect makes the next ID token the token endpoint issues carry
// defect d. Defects queued one after another go to successive ID tokens.
func (s *Server) QueueIDTokenDefect(d Defect) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idDefects = append(s.idDefects, d)
}

func (s *Server) takeIDTokenDefect() Defect {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.idDefects) == 0 {
		return 0
	}
	d := s.idDefects[0]
	s.idDefects = s.idDefects[1:]
	return d
}

// apply changes the claims of an ID token issued at now and says how to sign it.
func (d Defect) apply(claims map[string]any, now time.Time, ttl time.Duration) signMode {
	switch d {
	case DefectWrongNonce:
		claims["nonce"] = "wrong-nonce"
	case DefectMissingNonce:
		delete(claims, "nonce")
	case DefectWrongAtHash:
		claims["at_hash"] = atHash("another access token")
	case DefectWrongIssuer:
		claims["iss"] = WrongIssuer
	case DefectWrongAudience:
		claims["aud"] = WrongAudience
	case DefectWrongSubject:
		claims["sub"] = WrongSubject
	case DefectExpired:
		setTimes(claims, now.Add(-ttl-time.Minute), ttl)
	case DefectIssuedInFuture:
		setTimes(claims, now.Add(10*time.Minute), ttl)
	case DefectUnknownKID:
		return signUnknownKey
	case DefectAlgNone:
		return signNone
	case DefectBadSignature:
		return signCorrupt
	}
	return signNormal
}

func setTimes(claims map[string]any, iat time.Time, ttl time.Duration) {
	claims["iat"], claims["exp"] = iat.Unix(), iat.Add(ttl).Unix()
}

// AuthorizeDefect is a deliberate flaw in the next authorization response,
// queued with [Server.QueueAuthorizeDefect].
type AuthorizeDefect int

// The authorization response defects (RFC 9207 iss parameter).
const (
	// DefectWrongIssParam sets the iss response parameter to [WrongIssuer].
	DefectWrongIssParam AuthorizeDefect = iota + 1
	// DefectMissingIssParam leaves out the iss response parameter.
	DefectMissingIssParam
)

// QueueAuthorizeDefect makes the next redirect from the authorize endpoint to
// a client carry defect d.
func (s *Server) QueueAuthorizeDefect(d AuthorizeDefect) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.authDefects = append(s.authDefects, d)
}

func (s *Server) applyAuthorizeDefect(params url.Values) {
	s.mu.Lock()
	if len(s.authDefects) == 0 {
		s.mu.Unlock()
		return
	}
	d := s.authDefects[0]
	s.authDefects = s.authDefects[1:]
	s.mu.Unlock()
	switch d {
	case DefectWrongIssParam:
		params.Set("iss", WrongIssuer)
	case DefectMissingIssParam:
		params.Del("iss")
	}
}
