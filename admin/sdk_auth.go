package admin

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"

	"github.com/waygate-go/waygate/core/sdk"
)

// serviceToken is one SDK credential: whoever presents secret acts as
// service.
type serviceToken struct {
	service string
	sum     [32]byte // SHA-256 of the secret: compared in constant time
}

// WithServiceToken lets SDKs of service connect with secret (sent as
// "Authorization: Bearer <secret>"). The service's identity comes from the
// token alone: an SDK can read and change only its own routes, its own
// maintenance and rate limits, whatever its requests say. Give each service
// its own secret of at least 16 bytes (for example `openssl rand -hex 32`);
// a service may have several (to rotate them).
// Optional. Without service tokens the SDK endpoints answer 401.
func WithServiceToken(service, secret string) Option {
	return optionFunc(func(c *config) {
		switch {
		case !sdk.ValidService(service):
			c.errs = append(c.errs, fmt.Errorf("service token: service name %q: use letters, digits, '-', '_' and '.'", service))
		case len(secret) < 16:
			c.errs = append(c.errs, fmt.Errorf("service token of %q has %d bytes: use at least 16 (for example `openssl rand -hex 32`)", service, len(secret)))
		default:
			c.serviceTokens = append(c.serviceTokens, serviceToken{service: service, sum: sha256.Sum256([]byte(secret))})
		}
	})
}

// errNoServiceToken answers SDK requests without a valid service token.
var errNoServiceToken = &apiError{status: http.StatusUnauthorized,
	msg: "service token required: send Authorization: Bearer <token> with a token configured on the server for your service (admin.WithServiceToken, WAYGATE_SERVICE_TOKENS)"}

// serviceOf authenticates an SDK request and returns its service. Every
// configured token is compared, in constant time, so timing reveals
// neither which service matched nor how much of a token was right.
func (h *Handler) serviceOf(r *http.Request) (string, error) {
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	secret, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || secret == "" {
		return "", errNoServiceToken
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	found := ""
	for _, t := range h.cfg.serviceTokens {
		if subtle.ConstantTimeCompare(sum[:], t.sum[:]) == 1 && found == "" {
			found = t.service
		}
	}
	if found == "" {
		return "", errNoServiceToken
	}
	// A request that names a service must name its own.
	if q := r.URL.Query().Get("service"); q != "" && q != found {
		return "", errorf(http.StatusForbidden, "the token of service %q cannot read or change service %q", found, q)
	}
	h.sdk.seen(found)
	return found, nil
}
