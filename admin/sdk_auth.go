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
	shared  bool     // may change shared state, see SharedState
}

// ServiceTokenOption configures a service token.
type ServiceTokenOption func(*serviceToken)

// SharedState trusts the token's service with shared state: its engine may
// also change global maintenance, global rate limits, flags, segments and
// other services' maintenance and rate limits (an operator tool, or a
// service that embeds admin actions). Other services' routes stay out of
// reach.
func SharedState() ServiceTokenOption {
	return func(t *serviceToken) { t.shared = true }
}

// WithServiceToken lets SDKs of service connect with secret (sent as
// "Authorization: Bearer <secret>"). The service's identity comes from the
// token alone: an SDK can read and change only its own routes, its own
// maintenance and rate limits, whatever its requests say. Give each service
// its own secret of at least 16 bytes (for example `openssl rand -hex 32`);
// a service may have several (to rotate them).
// Optional. Without service tokens the SDK endpoints answer 401.
func WithServiceToken(service, secret string, opts ...ServiceTokenOption) Option {
	return optionFunc(func(c *config) {
		switch {
		case !sdk.ValidService(service):
			c.errs = append(c.errs, fmt.Errorf("service token: service name %q: use letters, digits, '-', '_' and '.'", service))
		case len(secret) < 16:
			c.errs = append(c.errs, fmt.Errorf("service token of %q has %d bytes: use at least 16 (for example `openssl rand -hex 32`)", service, len(secret)))
		default:
			t := serviceToken{service: service, sum: sha256.Sum256([]byte(secret))}
			for _, o := range opts {
				if o != nil {
					o(&t)
				}
			}
			c.serviceTokens = append(c.serviceTokens, t)
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
	t, err := h.serviceTokenOf(r)
	return t.service, err
}

// serviceTokenOf authenticates an SDK request and returns its token.
func (h *Handler) serviceTokenOf(r *http.Request) (serviceToken, error) {
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	secret, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || secret == "" {
		return serviceToken{}, errNoServiceToken
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	var found serviceToken
	for _, t := range h.cfg.serviceTokens {
		if subtle.ConstantTimeCompare(sum[:], t.sum[:]) == 1 && found.service == "" {
			found = t
		}
	}
	if found.service == "" {
		return serviceToken{}, errNoServiceToken
	}
	// A request that names a service must name its own.
	if q := r.URL.Query().Get("service"); q != "" && q != found.service {
		return serviceToken{}, errorf(http.StatusForbidden, "the token of service %q cannot read or change service %q", found.service, q)
	}
	h.sdk.seen(found.service)
	return found, nil
}
