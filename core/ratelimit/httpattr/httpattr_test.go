package httpattr_test

import (
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/waygate-go/waygate/core/ratelimit"
	"github.com/waygate-go/waygate/core/ratelimit/httpattr"
)

// Attributes accumulate on new requests and leave the old ones as they
// were; a request without any reads nil.
func TestSetAndRead(t *testing.T) {
	r0 := httptest.NewRequest("GET", "/", nil)
	r1 := httpattr.SetUser(r0, "ann")
	r2 := httpattr.SetRoles(httpattr.Set(r1, "plan", "pro"), "admin", "ops")
	got := (*httpattr.Of)(r2)
	if got.Attr(ratelimit.AttrUser) != "ann" || got.Attr("plan") != "pro" ||
		!slices.Equal(got.Attr(ratelimit.AttrRoles).([]string), []string{"admin", "ops"}) {
		t.Fatalf("user %v plan %v roles %v", got.Attr(ratelimit.AttrUser), got.Attr("plan"), got.Attr(ratelimit.AttrRoles))
	}
	if v := (*httpattr.Of)(r1).Attr("plan"); v != nil {
		t.Fatalf("an earlier request sees a later attribute: %v", v)
	}
	if v := (*httpattr.Of)(r0).Attr(ratelimit.AttrUser); v != nil {
		t.Fatalf("a request with no attributes reads %v", v)
	}
}
