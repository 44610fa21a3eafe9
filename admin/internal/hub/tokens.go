package hub

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"

	"github.com/waygate-go/waygate/admin/internal/wire"
	"github.com/waygate-go/waygate/core/sdk"
)

// Token is one SDK credential: whoever presents its secret acts as its
// service. Make it with NewToken.
type Token struct {
	service string
	sum     [32]byte // SHA-256 of the secret: compared in constant time
	shared  bool     // may change shared state, see SharedState
}

// TokenOption configures a service token.
type TokenOption func(*Token)

// SharedState trusts the token's service with shared state (see
// admin.SharedState).
func SharedState() TokenOption {
	return func(t *Token) { t.shared = true }
}

// NewToken checks and makes a service token: the service name as in
// route keys, a secret of at least 16 bytes.
func NewToken(service, secret string, opts ...TokenOption) (Token, error) {
	switch {
	case !sdk.ValidService(service):
		return Token{}, fmt.Errorf("service token: service name %q: use letters, digits, '-', '_' and '.'", service)
	case len(secret) < 16:
		return Token{}, fmt.Errorf("service token of %q has %d bytes: use at least 16 (for example `openssl rand -hex 32`)", service, len(secret))
	}
	t := Token{service: service, sum: sha256.Sum256([]byte(secret))}
	for _, o := range opts {
		if o != nil {
			o(&t)
		}
	}
	return t, nil
}

// errNoServiceToken answers SDK requests without a valid service token.
var errNoServiceToken = &wire.Error{Status: http.StatusUnauthorized,
	Msg: "service token required: send Authorization: Bearer <token> with a token configured on the server for your service (admin.WithServiceToken, WAYGATE_SERVICE_TOKENS)"}

// serviceOf authenticates an SDK request and returns its service. Every
// configured token is compared, in constant time, so timing reveals
// neither which service matched nor how much of a token was right.
func (h *Hub) serviceOf(r *http.Request) (string, error) {
	t, err := h.tokenOf(r)
	return t.service, err
}

// tokenOf authenticates an SDK request and returns its token.
func (h *Hub) tokenOf(r *http.Request) (Token, error) {
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	secret, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || secret == "" {
		return Token{}, errNoServiceToken
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	var found Token
	for _, t := range h.tokens {
		if subtle.ConstantTimeCompare(sum[:], t.sum[:]) == 1 && found.service == "" {
			found = t
		}
	}
	if found.service == "" {
		return Token{}, errNoServiceToken
	}
	// A request that names a service must name its own.
	if q := r.URL.Query().Get("service"); q != "" && q != found.service {
		return Token{}, wire.Errorf(http.StatusForbidden, "the token of service %q cannot read or change service %q", found.service, q)
	}
	h.seen(found.service)
	return found, nil
}

// IsToken reports whether secret is a configured service token, compared
// with every token in constant time (OFREP accepts service tokens).
func (h *Hub) IsToken(secret string) bool {
	sum := sha256.Sum256([]byte(secret))
	match := 0
	for _, t := range h.tokens {
		match |= subtle.ConstantTimeCompare(sum[:], t.sum[:])
	}
	return match == 1
}
