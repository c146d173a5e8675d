package authjs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// Tolerance is the clock tolerance of Auth.js's decode: a token is still
// accepted up to 15 seconds after its exp (and 15 seconds before its nbf).
const Tolerance = 15 * time.Second

// Claims are the claims Auth.js's default jwt callback puts in a session
// token, plus the three it sets on every encode. Embed it in a session type
// to read them, beside the application's own claims:
//
//	type User struct {
//		authjs.Claims
//		Role string `json:"role,omitempty"`
//	}
//
// The format sets IssuedAt, Expires and TokenID on every write: what Go code
// puts in them is replaced.
type Claims struct {
	Name    string `json:"name,omitempty"`
	Email   string `json:"email,omitempty"`
	Picture string `json:"picture,omitempty"` // the user's image
	Subject string `json:"sub,omitempty"`     // the user's id

	IssuedAt int64  `json:"iat,omitempty"` // Unix seconds
	Expires  int64  `json:"exp,omitempty"` // Unix seconds
	TokenID  string `json:"jti,omitempty"` // a fresh UUID at every encode
}

// isObject reports whether b is valid JSON whose value is an object.
func isObject(b []byte) bool {
	i := skipSpace(b, 0)
	return i < len(b) && b[i] == '{' && json.Valid(b)
}

// eachMember calls f with the key, the raw member ("key": value) and the
// raw value of every member of obj, a JSON object that json.Valid accepted,
// in order (duplicates included, so that the last one wins as in
// JSON.parse). Keys are unescaped.
func eachMember(obj []byte, f func(key, member, val []byte)) {
	i := skipSpace(obj, skipSpace(obj, 0)+1)
	for i < len(obj) && obj[i] != '}' {
		ks := i
		i = skipString(obj, i)
		key := obj[ks+1 : i-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			var k string
			json.Unmarshal(obj[ks:i], &k) // valid JSON: cannot fail
			key = []byte(k)
		}
		i = skipSpace(obj, skipSpace(obj, i)+1) // past ':'
		vs := i
		i = skipValue(obj, i)
		f(key, obj[ks:i], obj[vs:i])
		if i = skipSpace(obj, i); i < len(obj) && obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just past the JSON string starting at b[i].
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// skipValue returns the index just past the JSON value starting at b[i],
// without recursion however deep the value nests.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// times are a token's time claims, Unix seconds.
type times struct {
	exp, iat, nbf          float64
	hasExp, hasIat, hasNbf bool
}

// checkClaims checks a decrypted payload as Auth.js's decode (jose's
// jwtDecrypt with a 15-second clockTolerance) does, and more strictly where
// noted: valid UTF-8 JSON whose value is an object; exp a number (required
// here: a token without one would never expire), iat and nbf numbers when
// present; exp > now − 15 s and nbf ≤ now + 15 s, now in whole seconds.
func checkClaims(pt []byte, now time.Time) (times, error) {
	var t times
	if !utf8.Valid(pt) {
		return t, fmt.Errorf("%w: the token's payload is not valid UTF-8", session.ErrInvalid)
	}
	if !isObject(pt) {
		return t, fmt.Errorf("%w: the token's payload is not a JSON object", session.ErrInvalid)
	}
	var bad string
	eachMember(pt, func(k, _, v []byte) {
		var dst *float64
		switch string(k) {
		case "exp":
			dst, t.hasExp = &t.exp, true
		case "iat":
			dst, t.hasIat = &t.iat, true
		case "nbf":
			dst, t.hasNbf = &t.nbf, true
		default:
			return
		}
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil || math.IsInf(f, 0) || !(v[0] == '-' || '0' <= v[0] && v[0] <= '9') {
			bad = string(k)
			return
		}
		*dst = f
	})
	if bad != "" {
		return t, fmt.Errorf("%w: the %s claim is not a number", session.ErrInvalid, bad)
	}
	sec := float64(unixSeconds(now))
	tol := Tolerance.Seconds()
	switch {
	case !t.hasExp:
		return t, fmt.Errorf("%w: the token has no exp claim", session.ErrInvalid)
	case t.exp <= sec-tol:
		return t, fmt.Errorf("%w: the token's exp passed", sealed.ErrExpired)
	case t.hasNbf && t.nbf > sec+tol:
		return t, fmt.Errorf("%w: the token's nbf is in the future", session.ErrInvalid)
	}
	return t, nil
}

// unixSeconds is now in whole seconds, as JavaScript's Math.floor(Date.now() / 1000).
func unixSeconds(now time.Time) int64 {
	ms := now.UnixMilli()
	if ms < 0 {
		return (ms - 999) / 1000
	}
	return ms / 1000
}

// claims builds the payload of a token written at now: the data's members
// but iat, exp and jti, then those three as Auth.js's encode sets them.
// data is the encoding of the session's data: a JSON object, or null for
// empty data.
func claims(data []byte, iat, exp int64, jti string) ([]byte, error) {
	if i := skipSpace(data, 0); len(data)-i >= 4 && string(data[i:i+4]) == "null" && skipSpace(data, i+4) == len(data) {
		data = []byte("{}")
	}
	if !isObject(data) {
		return nil, fmt.Errorf("authjs: the session data must encode to a JSON object (its claims)")
	}
	out := make([]byte, 0, len(data)+maxClaimsOverhead)
	out = append(out, '{')
	eachMember(data, func(k, m, _ []byte) {
		switch string(k) {
		case "iat", "exp", "jti":
			return
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, m...)
	})
	if len(out) > 1 {
		out = append(out, ',')
	}
	out = append(out, `"iat":`...)
	out = strconv.AppendInt(out, iat, 10)
	out = append(out, `,"exp":`...)
	out = strconv.AppendInt(out, exp, 10)
	out = append(out, `,"jti":"`...)
	out = append(out, jti...)
	return append(out, `"}`...), nil
}

// maxClaimsOverhead bounds what claims adds to the data's encoding:
// ,"iat":<int64>,"exp":<int64>,"jti":"<UUID>".
const maxClaimsOverhead = len(`,"iat":`) + 20 + len(`,"exp":`) + 20 + len(`,"jti":""`) + 36
