package authjs

import (
	"crypto/aes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRFC7518CBCHS512 checks the A256CBC-HS512 construction against the test
// case of RFC 7518, appendix B.3.
func TestRFC7518CBCHS512(t *testing.T) {
	K := unhex(t, `00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f
		20 21 22 23 24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33 34 35 36 37 38 39 3a 3b 3c 3d 3e 3f`)
	P := []byte("A cipher system must not be required to be secret, and it must be able to fall into the hands of the enemy without inconvenience")
	IV := unhex(t, `1a f3 8c 2d c2 b9 6f fd d8 66 94 09 23 41 bc 04`)
	A := "The second principle of Auguste Kerckhoffs"
	C := unhex(t, `4a ff aa ad b7 8c 31 c5 da 4b 1b 59 0d 10 ff bd 3d d8 d5 d3 02 42 35 26 91 2d a0 37 ec bc c7 bd
		82 2c 30 1d d6 7c 37 3b cc b5 84 ad 3e 92 79 c2 e6 d1 2a 13 74 b7 7f 07 75 53 df 82 94 10 44 6b
		36 eb d9 70 66 29 6a e6 42 7e a7 5c 2e 08 46 a1 1a 09 cc f5 37 0d c8 0b fe cb ad 28 c7 3f 09 b3
		a3 b7 5e 66 2a 25 94 41 0a e4 96 b2 e2 e6 60 9e 31 e6 e0 2c c8 37 f0 53 d2 1f 37 ff 4f 51 95 0b
		be 26 38 d0 9d d7 a4 93 09 30 80 6d 07 03 b1 f6`)
	T := unhex(t, `4d d3 b4 c0 88 a7 f4 5c 21 68 39 64 5b 20 12 bf 2e 62 69 a8 c5 6a 81 6d bc 1b 26 77 61 95 5b c5`)

	block, err := aes.NewCipher(K[32:])
	if err != nil {
		t.Fatal(err)
	}
	k := &key{cbcMAC: K[:32], cbcBlock: block}
	pt, err := k.open(nil, token{head: A, iv: IV, ct: C, tag: T}, encCBC)
	if err != nil || string(pt) != string(P) {
		t.Fatalf("open(RFC 7518 B.3) = %q, %v", pt, err)
	}
	// The same through sealWith: the header is the AAD.
	var iv [cbcIVLen]byte
	copy(iv[:], IV)
	v := k.sealWith(b64.EncodeToString([]byte(A)), iv, P)
	parts := strings.Split(v, ".")
	if got, want := parts[3]+"."+parts[4], b64.EncodeToString(C)+"."+b64.EncodeToString(T); parts[0] == "" || got == want {
		// The header is encoded here, so the AAD differs from the RFC's raw
		// A: the tag must differ, the ciphertext must not.
		t.Fatalf("sealWith: the tag ignores the encoded header")
	}
	if parts[3] != b64.EncodeToString(C) {
		t.Fatalf("sealWith ciphertext differs from RFC 7518 B.3")
	}
}

// hdr builds an encoded protected header from its JSON.
func hdr(j string) string { return b64.EncodeToString([]byte(j)) }

// TestHeaders: tokens whose header is not byte for byte Auth.js's go through
// the general parser, which takes what jose takes from Auth.js's tokens and
// refuses the rest.
func TestHeaders(t *testing.T) {
	k1, err := deriveKey(strings.Repeat("1", 40), "s")
	if err != nil {
		t.Fatal(err)
	}
	k2, err := deriveKey(strings.Repeat("2", 40), "s")
	if err != nil {
		t.Fatal(err)
	}
	keys := []*key{k1, k2}
	body := []byte(`{"name":"ada","exp":4102444800}`)
	now := time.Unix(1768471200, 0)
	for _, tc := range []struct {
		name string
		head string
		by   *key // the key that seals
		want error
	}{
		{"Auth.js's own", k2.cbcHead, k2, nil},
		{"members reordered", hdr(`{"enc":"A256CBC-HS512","kid":"` + k2.cbcKid + `","alg":"dir"}`), k2, nil},
		{"no kid: the first secret", hdr(`{"alg":"dir","enc":"A256CBC-HS512"}`), k1, nil},
		{"no kid, sealed by the second", hdr(`{"alg":"dir","enc":"A256CBC-HS512"}`), k2, sealed.ErrNotAuthentic},
		{"typ and cty", hdr(`{"alg":"dir","enc":"A256CBC-HS512","typ":"JWT","cty":"JWT","kid":"` + k1.cbcKid + `"}`), k1, nil},
		{"escaped member names", hdr(`{"\u0061lg":"dir","enc":"A256CBC-HS512","kid":"` + k1.cbcKid + `"}`), k1, nil},
		{"the GCM kid for CBC", hdr(`{"alg":"dir","enc":"A256CBC-HS512","kid":"` + k1.gcmKid + `"}`), k1, sealed.ErrUnknownKey},
		{"unknown kid", hdr(`{"alg":"dir","enc":"A256CBC-HS512","kid":"x"}`), k1, sealed.ErrUnknownKey},
		{"kid not a string", hdr(`{"alg":"dir","enc":"A256CBC-HS512","kid":1}`), k1, sealed.ErrMalformed},
		{"alg A256KW", hdr(`{"alg":"A256KW","enc":"A256CBC-HS512"}`), k1, sealed.ErrMalformed},
		{"alg none", hdr(`{"alg":"none"}`), k1, sealed.ErrMalformed},
		{"ALG in capitals", hdr(`{"ALG":"dir","enc":"A256CBC-HS512"}`), k1, sealed.ErrMalformed},
		{"enc A128GCM", hdr(`{"alg":"dir","enc":"A128GCM"}`), k1, sealed.ErrMalformed},
		{"zip", hdr(`{"alg":"dir","enc":"A256CBC-HS512","zip":"DEF"}`), k1, sealed.ErrMalformed},
		{"crit", hdr(`{"alg":"dir","enc":"A256CBC-HS512","crit":["exp"],"exp":1}`), k1, sealed.ErrMalformed},
		{"replicated claim", hdr(`{"alg":"dir","enc":"A256CBC-HS512","sub":"x"}`), k1, sealed.ErrMalformed},
		{"an array", hdr(`["alg","dir"]`), k1, sealed.ErrMalformed},
		{"not JSON", hdr(`{"alg":"dir",}`), k1, sealed.ErrMalformed},
		{"not UTF-8", hdr("{\"alg\":\"dir\",\"enc\":\"A256CBC-HS512\",\"typ\":\"\xff\"}"), k1, sealed.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.by.sealWith(tc.head, [16]byte{1}, body)
			tok, err := parseToken(v)
			if err != nil {
				t.Fatal(err)
			}
			k, enc, err := pick(keys, tok.head)
			if err == nil {
				_, err = k.open(nil, tok, enc)
			}
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("open = %v, want %v", err, tc.want)
			}
			if err == nil {
				if _, err := checkClaims(body, now); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestParseToken covers the structure of a compact token, before any key.
func TestParseToken(t *testing.T) {
	iv, tag := b64.EncodeToString(make([]byte, 16)), b64.EncodeToString(make([]byte, 32))
	for _, tc := range []struct {
		name string
		v    string
		want error
	}{
		{"well formed", "eyJ9.." + iv + ".AAAA." + tag, nil},
		{"four parts", "eyJ9.." + iv + ".AAAA", sealed.ErrMalformed},
		{"six parts", "eyJ9.." + iv + ".AAAA." + tag + ".", sealed.ErrMalformed},
		{"an encrypted key", "eyJ9.AAAA." + iv + ".AAAA." + tag, sealed.ErrMalformed},
		{"no header", ".." + iv + ".AAAA." + tag, sealed.ErrMalformed},
		{"padding", "eyJ9.." + iv + ".AAA=." + tag, sealed.ErrMalformed},
		{"standard alphabet", "eyJ9.." + iv + ".AA+/." + tag, sealed.ErrMalformed},
		{"stray bits", "eyJ9.." + iv + ".AB." + tag, sealed.ErrMalformed},
		{"a newline", "eyJ9.." + iv + ".AA\nAA." + tag, sealed.ErrMalformed},
		{"a space", "eyJ9 .." + iv + ".AAAA." + tag, sealed.ErrMalformed},
		{"long IV", "eyJ9.." + iv + "AAAA.AAAA." + tag, sealed.ErrMalformed},
		{"long header", strings.Repeat("A", maxHeader+1) + ".." + iv + ".AAAA." + tag, sealed.ErrMalformed},
		{"too long", strings.Repeat("A", maxToken+1), sealed.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseToken(tc.v)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("parseToken = %v, want %v", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "AAAA") {
				t.Errorf("error quotes the value: %v", err)
			}
		})
	}
}

// TestCheckClaims holds jose's exp and nbf rules with Auth.js's 15-second
// tolerance, whole seconds, and what is stricter here.
func TestCheckClaims(t *testing.T) {
	now := time.UnixMilli(1_000_000_999) // 1000000.999 s: now is 1000000
	for _, tc := range []struct {
		claims string
		want   error
	}{
		{`{"exp":1000000}`, nil},
		{`{"exp":999986}`, nil},   // 14 s past: still valid
		{`{"exp":999985.5}`, nil}, // exp > now - 15
		{`{"exp":999985}`, sealed.ErrExpired},
		{`{"exp":1}`, sealed.ErrExpired},
		{`{"exp":1e400}`, session.ErrInvalid}, // jose: Infinity, forever; here, refused
		{`{"exp":"1000000"}`, session.ErrInvalid},
		{`{"exp":null}`, session.ErrInvalid},
		{`{"name":"no exp"}`, session.ErrInvalid},
		{`{"exp":999985,"exp":1000000}`, nil}, // the last duplicate wins, as in JSON.parse
		{`{"\u0065xp":999985}`, sealed.ErrExpired},
		{`{"exp":1000000,"nbf":1000015}`, nil},
		{`{"exp":1000000,"nbf":1000016}`, session.ErrInvalid},
		{`{"exp":1000000,"iat":"x"}`, session.ErrInvalid},
		{`{"exp":1000000,"nested":{"exp":1}}`, nil},
		{`[{"exp":1000000}]`, session.ErrInvalid},
		{`null`, session.ErrInvalid},
		{`{"exp":1000000,}`, session.ErrInvalid},
		{"{\"exp\":1000000,\"name\":\"\xff\"}", session.ErrInvalid},
	} {
		_, err := checkClaims([]byte(tc.claims), now)
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("checkClaims(%s) = %v, want %v", tc.claims, err, tc.want)
		}
	}
}

// TestClaims: Go's data becomes Auth.js's payload, the three claims encode
// sets replaced wherever they were, everything else kept in order.
func TestClaims(t *testing.T) {
	const jti = "00000000-0000-4000-8000-000000000000"
	for _, tc := range []struct{ data, want string }{
		{`null`, `{"iat":10,"exp":20,"jti":"` + jti + `"}`},
		{`{}`, `{"iat":10,"exp":20,"jti":"` + jti + `"}`},
		{` { "b" : 1 , "a" : [1,{"iat":2}] } `, `{"b" : 1,"a" : [1,{"iat":2}],"iat":10,"exp":20,"jti":"` + jti + `"}`},
		{`{"iat":1,"name":"x","exp":2,"jti":"old","\u0069at":3}`, `{"name":"x","iat":10,"exp":20,"jti":"` + jti + `"}`},
	} {
		got, err := claims([]byte(tc.data), 10, 20, jti)
		if err != nil || string(got) != tc.want {
			t.Errorf("claims(%s) = %s, %v; want %s", tc.data, got, err, tc.want)
		}
	}
	for _, bad := range []string{`[]`, `"x"`, `1`, `{`} {
		if _, err := claims([]byte(bad), 10, 20, jti); err == nil {
			t.Errorf("claims(%s) accepted", bad)
		}
	}
}

// FuzzParseToken checks that whatever parseToken accepts re-serializes to
// the same characters: strict base64url leaves one spelling per token.
func FuzzParseToken(f *testing.F) {
	f.Add("eyJ9..AAAAAAAAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("a..b.c.d")
	f.Add("....")
	f.Add("eyJ9.AA.AA.AA.AA")
	f.Fuzz(func(t *testing.T, v string) {
		tok, err := parseToken(v)
		if err != nil {
			if !errors.Is(err, sealed.ErrMalformed) && !errors.Is(err, sealed.ErrTooLarge) {
				t.Fatalf("parseToken error %v matches no sentinel", err)
			}
			return
		}
		again := tok.head + ".." + b64.EncodeToString(tok.iv) + "." + b64.EncodeToString(tok.ct) + "." + b64.EncodeToString(tok.tag)
		if again != v {
			t.Fatalf("parseToken(%q) re-serializes as %q", v, again)
		}
	})
}
