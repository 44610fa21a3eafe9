package auth

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

const (
	// hashIterations is the PBKDF2 cost of HashPassword, for hashes stored
	// in configuration files (OWASP's recommendation for PBKDF2-SHA256).
	hashIterations = 600_000
	// DefaultIterations is the cost for passwords given to WithUser: the
	// plain password is in the process's configuration anyway, so the hash
	// only keeps it out of memory dumps, and startup stays fast.
	DefaultIterations = 50_000
	hashPrefix        = "pbkdf2-sha256"
)

// Role is what a user may do.
type Role string

// The roles.
const (
	// RoleAdmin may read and change everything.
	RoleAdmin Role = "admin"
	// RoleViewer may only read: every mutation answers 403.
	RoleViewer Role = "viewer"
)

func (r Role) valid() bool { return r == RoleAdmin || r == RoleViewer }

// HashPassword hashes a password for WithUserHash, as
// "pbkdf2-sha256$<iterations>$<salt>$<hash>" (base64url salt and hash).
func HashPassword(password string) (string, error) {
	if password == "" {
		return "", fmt.Errorf("the password is empty")
	}
	return HashWith(password, hashIterations)
}

// HashWith hashes a password with a chosen PBKDF2 cost: HashPassword's for
// stored hashes, a lower one for passwords given in plain (and tests).
func HashWith(password string, iterations int) (string, error) {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	sum, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	return fmt.Sprintf("%s$%d$%s$%s", hashPrefix, iterations, enc.EncodeToString(salt), enc.EncodeToString(sum)), nil
}

// passwordHash is a parsed PBKDF2 hash.
type passwordHash struct {
	iterations int
	salt, sum  []byte
}

func parseHash(s string) (passwordHash, error) {
	parts := strings.Split(s, "$")
	bad := fmt.Errorf("password hash is not in the form %s$<iterations>$<salt>$<hash>: create one with admin.HashPassword", hashPrefix)
	if len(parts) != 4 || parts[0] != hashPrefix {
		return passwordHash{}, bad
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 1000 || n > 10_000_000 {
		return passwordHash{}, fmt.Errorf("password hash iterations %q must be between 1000 and 10000000", parts[1])
	}
	enc := base64.RawURLEncoding
	salt, err1 := enc.DecodeString(parts[2])
	sum, err2 := enc.DecodeString(parts[3])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(sum) != sha256.Size {
		return passwordHash{}, bad
	}
	return passwordHash{iterations: n, salt: salt, sum: sum}, nil
}

// verify reports, in constant time, whether password matches.
func (p passwordHash) verify(password string) bool {
	sum, err := pbkdf2.Key(sha256.New, password, p.salt, p.iterations, sha256.Size)
	return err == nil && subtle.ConstantTimeCompare(sum, p.sum) == 1
}
