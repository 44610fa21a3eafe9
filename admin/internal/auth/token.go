package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
)

// tokenClaims is the signed payload of a session token.
type tokenClaims struct {
	Sub  string `json:"sub"`
	Exp  int64  `json:"exp"`
	Iat  int64  `json:"iat"`
	JTI  string `json:"jti"`
	Plat string `json:"plat"`
}

// errBadToken covers every malformed or tampered token; the message does
// not say which check failed.
var errBadToken = errors.New("invalid session token")

// signer signs and checks tokens with HMAC-SHA256. Its key is derived from
// the secret and a fingerprint of the configured users, so changing any
// user's password or role invalidates every token, even with a stable
// secret.
type signer struct{ key []byte }

func newSigner(secret []byte, fingerprint string) signer {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("waygate admin token v1\x00" + fingerprint))
	return signer{key: m.Sum(nil)}
}

// usersFingerprint hashes the configured users (names, roles, passwords or
// password hashes) in a stable order.
func usersFingerprint(users []UserSpec) string {
	lines := make([]string, len(users))
	for i, u := range users {
		lines[i] = u.Name + "\x00" + string(u.Role) + "\x00" + u.Password + "\x00" + u.Hash
	}
	slices.Sort(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\x01")))
	return hex.EncodeToString(sum[:])
}

func (s signer) mac(msg string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// sign returns "<base64url payload>.<base64url HMAC of the payload part>".
func (s signer) sign(c tokenClaims) string {
	raw, _ := json.Marshal(c) // plain fields: cannot fail
	payload := base64.RawURLEncoding.EncodeToString(raw)
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.mac(payload))
}

// parse checks the signature in constant time and decodes the claims. It
// does not check expiry or revocation.
func (s signer) parse(tok string) (tokenClaims, error) {
	payload, sig, found := strings.Cut(tok, ".")
	if !found || payload == "" || len(tok) > 4096 {
		return tokenClaims{}, errBadToken
	}
	// Strict: a non-strict decoder ignores the unused low bits of the last
	// character, so several spellings of one signature would verify.
	got, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac(payload)) {
		return tokenClaims{}, errBadToken
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(payload)
	if err != nil {
		return tokenClaims{}, errBadToken
	}
	var c tokenClaims
	if json.Unmarshal(raw, &c) != nil || c.Sub == "" || c.JTI == "" || c.Exp == 0 {
		return tokenClaims{}, errBadToken
	}
	return c, nil
}

// csrf is the double-submit token bound to one session.
func (s signer) csrf(jti string) string {
	return base64.RawURLEncoding.EncodeToString(s.mac("csrf\x00" + jti))
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
