package session

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/authchain/authchain/internal/fastjson"
)

var errNotObject = errors.New("session: user claims are not a JSON object")

// MarshalJSON writes the session in the original SDK's SessionData shape.
func (s *Session) MarshalJSON() ([]byte, error) { return s.appendJSON(make([]byte, 0, 3072)) }

// UnmarshalJSON reads a session from the original SDK's SessionData shape. Keys the library
// does not own are kept in Custom.
func (s *Session) UnmarshalJSON(b []byte) error {
	*s = Session{}
	r := fastjson.NewStringReader(b, string(b))
	if err := r.Object(func(key []byte) error { return s.readMember(r, key) }); err != nil {
		return fmt.Errorf("session: %w", err)
	}
	if err := r.End(); err != nil {
		return fmt.Errorf("session: %w", err)
	}
	return nil
}

// unmarshalJWT reads a session from the claims set of a cookie of the format "nextjs": the
// original SDK's SessionData plus the time claims, which it returns. Internal.ExpiresAt is
// the exp claim, and Internal.Subject the user's sub claim unless internal records another.
//
// Its strings are cut from one copy of b: reading the session allocates once for its text.
func (s *Session) unmarshalJWT(b []byte) (jwtClaims, error) {
	*s = Session{}
	var claims jwtClaims
	r := fastjson.NewStringReader(b, string(b))
	userSub := ""
	err := r.Object(func(key []byte) error {
		if ok, err := claims.readClaim(r, key); ok || err != nil {
			return err
		}
		if string(key) == "user" {
			var err error
			userSub, err = s.readUserSubject(r)
			return err
		}
		return s.readMember(r, key)
	})
	if err == nil {
		err = r.End()
	}
	if err != nil {
		return claims, fmt.Errorf("session: %w", err)
	}
	if claims.hasExp {
		s.Internal.ExpiresAt = time.Unix(claims.exp, 0)
	}
	if s.Internal.Subject == "" {
		s.Internal.Subject = userSub
	}
	return claims, nil
}

func (s *Session) readMember(r *fastjson.Reader, key []byte) error {
	switch string(key) {
	case "user":
		return s.readUser(r)
	case "tokenSet":
		return s.TokenSet.ReadJSON(r)
	case "accessTokens":
		return readTokens(r, &s.AccessTokens)
	case "connectionTokenSets":
		return readTokens(r, &s.ConnectionTokens)
	case "internal":
		return s.Internal.readJSON(r)
	default:
		raw, err := r.Raw()
		if err != nil {
			return err
		}
		if s.Custom == nil {
			s.Custom = make(map[string]json.RawMessage, 2)
		}
		s.Custom[string(key)] = slices.Clone(raw)
		return nil
	}
}

func (s *Session) readUser(r *fastjson.Reader) error {
	if r.IsNull() {
		s.User = User{}
		return nil
	}
	raw, err := r.RawString()
	if err != nil {
		return err
	}
	if raw[0] != '{' {
		return errNotObject
	}
	s.User = User{raw: raw}
	return nil
}

// readUserSubject reads the user's claims as readUser does, and returns their sub claim,
// found on the way.
func (s *Session) readUserSubject(r *fastjson.Reader) (string, error) {
	if r.IsNull() {
		s.User = User{}
		return "", nil
	}
	if r.Peek() != '{' {
		return "", errNotObject
	}
	mark, sub := r.Mark(), ""
	err := r.Object(func(key []byte) error {
		if string(key) != "sub" {
			return r.Skip()
		}
		if sub = ""; r.Peek() != '"' {
			return r.Skip()
		}
		var err error
		sub, err = r.String()
		return err
	})
	if err != nil {
		return "", err
	}
	s.User = User{raw: r.TextSince(mark)}
	return sub, nil
}

// tokenJSON is a token a session keeps a list of (token.AudienceToken, token.ConnectionToken),
// as a pointer.
type tokenJSON[T any] interface {
	*T
	UnmarshalJSON([]byte) error
	AppendJSON([]byte) []byte
}

// readTokens appends the tokens of the array (or null) r is at to *dst.
func readTokens[T any, P tokenJSON[T]](r *fastjson.Reader, dst *[]T) error {
	if r.IsNull() {
		return nil
	}
	return r.Array(func() error {
		raw, err := r.Raw()
		if err != nil {
			return err
		}
		var t T
		if err := P(&t).UnmarshalJSON(raw); err != nil {
			return err
		}
		*dst = append(*dst, t)
		return nil
	})
}

// appendTokens writes key and the tokens as an array, unless there are none.
func appendTokens[T any, P tokenJSON[T]](o *fastjson.Object, key string, tokens []T) {
	if len(tokens) == 0 {
		return
	}
	o.Key(key)
	o.B = append(o.B, '[')
	for i := range tokens {
		if i > 0 {
			o.B = append(o.B, ',')
		}
		o.B = P(&tokens[i]).AppendJSON(o.B)
	}
	o.B = append(o.B, ']')
}

// appendJWT appends the claims set of a cookie of the format "nextjs": the session as the
// original SDK writes it (internal holds sid and createdAt, and the login's subject only when
// the user's claims do not say it) and the exp claim, Internal.ExpiresAt. The update time is
// not written: it follows from exp (see Lifetime.writtenAt).
func (s *Session) appendJWT(b []byte) ([]byte, error) {
	start := len(b)
	b, err := s.appendShape(b, true)
	if err != nil {
		return nil, err
	}
	return append(b[:start], appendExp(b[start:], fastjson.Unix(s.Internal.ExpiresAt))...), nil
}

func (s *Session) appendJSON(b []byte) ([]byte, error) { return s.appendShape(b, false) }

// appendShape appends the session's JSON; jwt selects the internal object of appendJWT.
func (s *Session) appendShape(b []byte, jwt bool) ([]byte, error) {
	o := fastjson.OpenObject(b)
	o.Key("user")
	var err error
	if o.B, err = s.User.appendJSON(o.B); err != nil {
		return nil, fmt.Errorf("session: user claims: %w", err)
	}
	o.Key("tokenSet")
	o.B = s.TokenSet.AppendJSON(o.B)
	appendTokens(&o, "accessTokens", s.AccessTokens)
	appendTokens(&o, "connectionTokenSets", s.ConnectionTokens)
	o.Key("internal")
	if jwt {
		subject := s.Internal.Subject
		if subject == s.User.Subject() {
			subject = ""
		}
		o.B = s.Internal.appendOriginal(o.B, subject)
	} else {
		o.B = s.Internal.appendJSON(o.B)
	}
	if err := s.appendCustom(&o); err != nil {
		return nil, err
	}
	return o.Close(), nil
}

func (s *Session) appendCustom(o *fastjson.Object) error {
	if len(s.Custom) == 0 {
		return nil
	}
	keys := make([]string, 0, len(s.Custom))
	for k := range s.Custom {
		if !isReserved(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := s.Custom[k]
		if !json.Valid(v) {
			return fmt.Errorf("session: custom key %q does not hold valid JSON", k)
		}
		o.Raw(k, v)
	}
	return nil
}

func (in *Internal) appendJSON(b []byte) []byte {
	o := fastjson.OpenObject(b)
	o.String("sid", in.SID)
	o.StringOmitEmpty("sub", in.Subject)
	o.Int("createdAt", fastjson.Unix(in.CreatedAt))
	o.IntOmitZero("updatedAt", fastjson.Unix(in.UpdatedAt))
	o.IntOmitZero("expiresAt", fastjson.Unix(in.ExpiresAt))
	return in.closeExtra(o)
}

// appendOriginal appends the internal object as the original SDK writes it: sid, createdAt,
// and the members it kept, with sub when subject is not empty.
func (in *Internal) appendOriginal(b []byte, subject string) []byte {
	o := fastjson.OpenObject(b)
	o.String("sid", in.SID)
	o.StringOmitEmpty("sub", subject)
	o.Int("createdAt", fastjson.Unix(in.CreatedAt))
	return in.closeExtra(o)
}

// closeExtra appends the members kept from the object that was read, and closes o.
func (in *Internal) closeExtra(o fastjson.Object) []byte {
	if in.extra != "" {
		o.B = append(o.B, ',')
		o.B = append(o.B, in.extra...)
	}
	return o.Close()
}

func (in *Internal) readJSON(r *fastjson.Reader) error {
	if r.IsNull() {
		return nil
	}
	return r.Object(func(key []byte) error {
		var err error
		switch string(key) {
		case "sid":
			in.SID, err = r.String()
		case "sub":
			in.Subject, err = r.String()
		case "createdAt":
			in.CreatedAt, err = r.Unix()
		case "updatedAt":
			in.UpdatedAt, err = r.Unix()
		case "expiresAt":
			in.ExpiresAt, err = r.Unix()
		default:
			err = in.keepMember(r, key)
		}
		return err
	})
}

// keepMember keeps the member key, which the library does not use, to be written back; the
// original SDK's sessionExpiresAt is also read as the session's ceiling.
func (in *Internal) keepMember(r *fastjson.Reader, key []byte) error {
	raw, err := r.Raw()
	if err != nil {
		return err
	}
	if string(key) == "sessionExpiresAt" {
		if n, err := fastjson.NewReader(raw).Int(); err == nil && n > 0 {
			in.ceiling = time.Unix(n, 0)
		}
	}
	var member bytes.Buffer
	if in.extra != "" {
		member.WriteString(in.extra)
		member.WriteByte(',')
	}
	member.Write(fastjson.AppendString(nil, string(key)))
	member.WriteByte(':')
	if err := json.Compact(&member, raw); err != nil {
		return err
	}
	in.extra = member.String()
	return nil
}
