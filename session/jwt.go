package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/authchain/authchain/internal/fastjson"
)

// JWTClockTolerance is how far the exp and nbf claims of a JWE cookie may be off the clock, as
// nextjs-auth0 allows (jose's clockTolerance: 15).
const JWTClockTolerance = 15 * time.Second

// errClaims is wrapped when a JWE's plaintext is not a JWT claims set valid at the time.
var errClaims = fmt.Errorf("%w: the claims are not valid now", ErrInvalidCookie)

// jwtClaims are the registered time claims of a JWE cookie's claims set, in epoch seconds.
type jwtClaims struct {
	exp, nbf       int64
	hasExp, hasNbf bool
}

// readClaim reads the member key of a claims set into c when it is a time claim, and reports
// whether it was one. A time claim that is not a number is an error, as in jose.
func (c *jwtClaims) readClaim(r *fastjson.Reader, key []byte) (bool, error) {
	var dst *int64
	switch string(key) {
	case "exp":
		dst, c.hasExp = &c.exp, true
	case "nbf":
		dst, c.hasNbf = &c.nbf, true
	case "iat":
		var iat int64
		dst = &iat
	default:
		return false, nil
	}
	if r.IsNull() {
		return true, errors.New("a time claim is null")
	}
	n, err := r.Int()
	*dst = n
	return true, err
}

// validAt reports whether the claims hold at now, with JWTClockTolerance: exp after now, nbf
// before it. A claims set without exp does not expire by itself.
func (c jwtClaims) validAt(now time.Time) bool {
	t := now.Unix()
	tolerance := int64(JWTClockTolerance / time.Second)
	if c.hasExp && c.exp <= t-tolerance {
		return false
	}
	return !c.hasNbf || c.nbf <= t+tolerance
}

// appendExp closes the JSON object obj (which ends with '}') with the exp claim.
func appendExp(obj []byte, exp int64) []byte {
	obj = obj[:len(obj)-1]
	if len(obj) > 1 {
		obj = append(obj, ',')
	}
	obj = append(obj, `"exp":`...)
	obj = strconv.AppendInt(obj, exp, 10)
	return append(obj, '}')
}

// EncodeJWT seals v's JSON, an object, as a JWT claims set expiring at exp: the cookie value
// nextjs-auth0 writes for a stateful session's id ({"id": …}) or a login transaction.
func (c *JWECodec) EncodeJWT(v any, exp time.Time) (string, error) {
	obj, err := json.Marshal(v)
	if err != nil || len(obj) < 2 || obj[0] != '{' {
		return "", fmt.Errorf("session: encoding a JWT: %T is not a JSON object (%v)", v, err)
	}
	return c.Seal(appendExp(obj, exp.Unix()))
}

// DecodeJWT opens value, checks its exp and nbf claims at now (with JWTClockTolerance) and
// decodes its JSON into dst. Any failure wraps ErrInvalidCookie.
func (c *JWECodec) DecodeJWT(value string, now time.Time, dst any) error {
	_, err := c.decodeJWT(value, now, dst)
	return err
}

// decodeJWT is DecodeJWT that also reports whether a retired secret opened value.
func (c *JWECodec) decodeJWT(value string, now time.Time, dst any) (retired bool, err error) {
	var decodeErr error
	_, retired, err = c.openString(value, func(plain []byte) []byte {
		claims, err := readClaims(plain)
		switch {
		case err != nil:
			decodeErr = fmt.Errorf("%w: %w", ErrInvalidCookie, err)
		case !claims.validAt(now):
			decodeErr = errClaims
		default:
			if err := json.Unmarshal(plain, dst); err != nil {
				decodeErr = fmt.Errorf("%w: %w", ErrInvalidCookie, err)
			}
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	return retired, decodeErr
}

// readClaims reads the time claims of the claims set plain.
func readClaims(plain []byte) (jwtClaims, error) {
	var c jwtClaims
	r := fastjson.NewReader(plain)
	err := r.Object(func(key []byte) error {
		if ok, err := c.readClaim(r, key); ok || err != nil {
			return err
		}
		return r.Skip()
	})
	if err == nil {
		err = r.End()
	}
	return c, err
}

// withoutExp returns the JSON object obj without its top-level exp members.
func withoutExp(obj []byte) []byte {
	out := fastjson.OpenObject(make([]byte, 0, len(obj)))
	r := fastjson.NewReader(obj)
	err := r.Object(func(key []byte) error {
		raw, err := r.Raw()
		if err == nil && string(key) != "exp" {
			out.Raw(string(key), raw)
		}
		return err
	})
	if err != nil {
		return obj
	}
	return out.Close()
}
