package admin

import (
	"slices"

	"github.com/waygate-go/waygate/admin/internal/auth"
	"github.com/waygate-go/waygate/admin/internal/wire"
)

// WithIterations lowers the PBKDF2 cost of WithUser passwords so tests run
// fast.
func WithIterations(n int) Option { return optionFunc(func(c *config) { c.iterations = n }) }

// Patterns lists the registered endpoint patterns.
func Patterns(h *Handler) []string { return slices.Clone(h.patterns) }

// IsPublic reports whether pattern needs no credentials.
func IsPublic(h *Handler, pattern string) bool { return h.access[pattern] == wire.Public }

// IsMutation reports whether pattern needs the admin role.
func IsMutation(h *Handler, pattern string) bool { return h.access[pattern] == wire.Admin }

// HashWith hashes a password with a chosen PBKDF2 cost.
var HashWith = auth.HashWith
