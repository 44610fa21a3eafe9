// Package shared holds what the flag and segment commands share: key
// checks, the flag as the API returns it, read-modify-write helpers that
// keep fields the CLI does not know, and value parsing.
package shared

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/waygate-go/waygate/cli/internal/api"
	"github.com/waygate-go/waygate/cli/internal/cmdutil"
	"github.com/waygate-go/waygate/core/flag"
)

// Flag is the part of the API's FeatureFlag (flag.Flag) the CLI shows.
type Flag struct {
	Key           string              `json:"key"`
	Name          string              `json:"name"`
	Description   string              `json:"description"`
	Type          string              `json:"type"`
	Tags          []string            `json:"tags"`
	Variations    []Variation         `json:"variations"`
	OffVariation  string              `json:"off_variation"`
	Fallthrough   json.RawMessage     `json:"fallthrough"`
	Enabled       bool                `json:"enabled"`
	Prerequisites []Prerequisite      `json:"prerequisites"`
	Targets       map[string][]string `json:"targets"`
	Rules         []Rule              `json:"rules"`
	Status        string              `json:"status"`
}

// Variation is one value of a flag.
type Variation struct {
	Name        string          `json:"name"`
	Value       json.RawMessage `json:"value"`
	Description string          `json:"description"`
}

// Prerequisite requires another flag to serve a variation.
type Prerequisite struct {
	FlagKey   string `json:"flag_key"`
	Variation string `json:"variation"`
}

// Rule is a targeting rule.
type Rule struct {
	ID          string     `json:"id"`
	Description string     `json:"description"`
	Clauses     []Clause   `json:"clauses"`
	Variation   string     `json:"variation"`
	Rollout     []Weighted `json:"rollout"`
}

// Clause tests one attribute.
type Clause struct {
	Attribute string `json:"attribute"`
	Operator  string `json:"operator"`
	Values    []any  `json:"values"`
	Negate    bool   `json:"negate"`
}

// Weighted is one slice of a rollout (weights in 1/100000).
type Weighted struct {
	Variation string `json:"variation"`
	Weight    int    `json:"weight"`
}

// FallthroughText is the fallthrough as text: a variation name or
// "on:50%, off:50%".
func (f Flag) FallthroughText() string {
	var name string
	if json.Unmarshal(f.Fallthrough, &name) == nil {
		return name
	}
	var rollout []Weighted
	if json.Unmarshal(f.Fallthrough, &rollout) == nil {
		return RolloutText(rollout)
	}
	return string(f.Fallthrough)
}

// RolloutText is "on:50%, off:50%".
func RolloutText(r []Weighted) string {
	parts := make([]string, len(r))
	for i, w := range r {
		parts[i] = w.Variation + ":" + strconv.FormatFloat(float64(w.Weight)/1000, 'f', -1, 64) + "%"
	}
	return strings.Join(parts, ", ")
}

// HasVariation reports whether the flag has a variation called name.
func (f Flag) HasVariation(name string) bool {
	return slices.ContainsFunc(f.Variations, func(v Variation) bool { return v.Name == name })
}

// VariationNames lists the variation names.
func (f Flag) VariationNames() []string {
	out := make([]string, len(f.Variations))
	for i, v := range f.Variations {
		out[i] = v.Name
	}
	return out
}

// CheckKey validates a flag or segment key argument (a usage error).
func CheckKey(kind, key string) error {
	ok := key != "" && len(key) <= 256
	for i := 0; ok && i < len(key); i++ {
		c := key[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		ok = alnum || i > 0 && (c == '-' || c == '_' || c == '.')
	}
	if !ok {
		return cmdutil.FlagErrorf("%s key %q: use letters, digits, '-', '_' and '.', starting with a letter or digit", kind, key)
	}
	return nil
}

// FlagPath is "/api/flags/{key}" plus suffix.
func FlagPath(key, suffix string) string { return "/api/flags/" + api.Escape(key) + suffix }

// SegmentPath is "/api/segments/{key}" plus suffix.
func SegmentPath(key, suffix string) string { return "/api/segments/" + api.Escape(key) + suffix }

// GetFlag reads a flag both typed and as a raw document.
func GetFlag(ctx context.Context, c *api.Client, key string) (Flag, map[string]json.RawMessage, error) {
	var raw json.RawMessage
	if err := c.Get(ctx, FlagPath(key, ""), &raw); err != nil {
		return Flag{}, nil, err
	}
	var f Flag
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &f); err != nil {
		return Flag{}, nil, fmt.Errorf("unexpected answer: %w", err)
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return Flag{}, nil, fmt.Errorf("unexpected answer: %w", err)
	}
	return f, doc, nil
}

// PatchFlag changes the given top-level fields of a flag and returns the
// saved flag.
func PatchFlag(ctx context.Context, c *api.Client, key string, fields map[string]any) (json.RawMessage, error) {
	var raw json.RawMessage
	err := c.Do(ctx, http.MethodPatch, FlagPath(key, ""), fields, &raw)
	return raw, err
}

// RawList decodes a JSON array of objects, keeping every field.
func RawList(raw json.RawMessage) ([]map[string]any, error) {
	var out []map[string]any
	if len(raw) == 0 || string(raw) == "null" {
		return []map[string]any{}, nil
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("unexpected answer: %w", err)
	}
	return out, nil
}

// NewID returns a random rule id (a version 4 UUID).
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Operators lists the clause operators.
func Operators() []string {
	out := make([]string, len(flag.Operators))
	for i, o := range flag.Operators {
		out[i] = string(o)
	}
	return out
}

// MakeClause builds a clause from flags. Segment operators test the context
// key; numeric operators get numbers.
func MakeClause(attribute, operator string, values []string, negate bool) (map[string]any, error) {
	if !flag.Operator(operator).Known() {
		return nil, cmdutil.FlagErrorf("--operator %q: use one of %s", operator, strings.Join(Operators(), ", "))
	}
	if len(values) == 0 {
		return nil, cmdutil.FlagErrorf("--values is required: a comma-separated list")
	}
	if flag.Operator(operator).IsSegment() {
		attribute = "key"
	}
	if attribute == "" {
		return nil, cmdutil.FlagErrorf("--attribute is required")
	}
	vals := make([]any, len(values))
	for i, v := range values {
		vals[i] = v
		switch flag.Operator(operator) {
		case flag.OpGt, flag.OpGte, flag.OpLt, flag.OpLte:
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, cmdutil.FlagErrorf("--values %q: %s compares numbers", v, operator)
			}
			vals[i] = n
		}
	}
	return map[string]any{"attribute": attribute, "operator": operator, "values": vals, "negate": negate}, nil
}

// ParseAttr reads "name=value": numbers and true/false become JSON numbers
// and booleans, a JSON string ("\"007\"") stays a string, anything else is
// a string.
func ParseAttr(s string) (string, any, error) {
	name, value, found := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !found || name == "" {
		return "", nil, cmdutil.FlagErrorf("--attr %q: write name=value, like plan=pro or age=42", s)
	}
	var v any
	if json.Unmarshal([]byte(value), &v) == nil {
		switch v.(type) {
		case float64, bool, string:
			return name, v, nil
		}
	}
	return name, value, nil
}
