package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/authchain/authchain/internal/fastjson"
	"github.com/authchain/authchain/token"
)

var errNotObject = errors.New("session: user claims are not a JSON object")

// MarshalJSON writes the session in the original SDK's SessionData shape.
func (s *Session) MarshalJSON() ([]byte, error) { return s.appendJSON(make([]byte, 0, 3072)) }

// UnmarshalJSON reads a session from the original SDK's SessionData shape. Keys the library
// does not own are kept in Custom.
func (s *Session) UnmarshalJSON(b []byte) error {
	*s = Session{}
	r := fastjson.NewReader(b)
	if err := r.Object(func(key []byte) error { return s.readMember(r, key) }); err != nil {
		return fmt.Errorf("session: %w", err)
	}
	if err := r.End(); err != nil {
		return fmt.Errorf("session: %w", err)
	}
	return nil
}

func (s *Session) readMember(r *fastjson.Reader, key []byte) error {
	switch string(key) {
	case "user":
		return s.readUser(r)
	case "tokenSet":
		raw, err := r.Raw()
		if err != nil {
			return err
		}
		return s.TokenSet.UnmarshalJSON(raw)
	case "accessTokens":
		return s.readAccessTokens(r)
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
	raw, err := r.Raw()
	if err != nil {
		return err
	}
	if raw[0] != '{' {
		return errNotObject
	}
	s.User = User{raw: slices.Clone(raw)}
	return nil
}

func (s *Session) readAccessTokens(r *fastjson.Reader) error {
	if r.IsNull() {
		return nil
	}
	return r.Array(func() error {
		raw, err := r.Raw()
		if err != nil {
			return err
		}
		var t token.AudienceToken
		if err := t.UnmarshalJSON(raw); err != nil {
			return err
		}
		s.AccessTokens = append(s.AccessTokens, t)
		return nil
	})
}

func (s *Session) appendJSON(b []byte) ([]byte, error) {
	o := fastjson.OpenObject(b)
	o.Key("user")
	var err error
	if o.B, err = s.User.appendJSON(o.B); err != nil {
		return nil, fmt.Errorf("session: user claims: %w", err)
	}
	o.Key("tokenSet")
	o.B = s.TokenSet.AppendJSON(o.B)
	if len(s.AccessTokens) > 0 {
		o.Key("accessTokens")
		o.B = append(o.B, '[')
		for i := range s.AccessTokens {
			if i > 0 {
				o.B = append(o.B, ',')
			}
			o.B = s.AccessTokens[i].AppendJSON(o.B)
		}
		o.B = append(o.B, ']')
	}
	o.Key("internal")
	o.B = s.Internal.appendJSON(o.B)
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
			err = r.Skip()
		}
		return err
	})
}
