package engine_test

import (
	"reflect"
	"testing"

	"github.com/waygate-go/waygate/core/engine"
)

func TestMergeAllMethods(t *testing.T) {
	anyMethods := []string{"GET", "POST", "PUT"}
	a, b := new(int), new(int)
	regs := []engine.Registration{
		{Method: "GET", Template: "/all", Origin: a},
		{Method: "GET", Template: "/one"},
		{Method: "POST", Template: "/all", Origin: a},
		{Method: "PUT", Template: "/all", Origin: a},
		// The same methods added by two calls stay apart.
		{Method: "GET", Template: "/two", Origin: a},
		{Method: "POST", Template: "/two", Origin: b},
		{Method: "PUT", Template: "/two", Origin: b},
		{Method: "PROPFIND", Template: "/dav"},
		{Method: "", Template: "/bare"},
	}
	got := engine.MergeAllMethods(regs, anyMethods)
	var keys []string
	for _, r := range got {
		keys = append(keys, r.Method+" "+r.Template)
	}
	want := []string{" /all", "GET /one", "GET /two", "POST /two", "PUT /two", " /bare"}
	if !reflect.DeepEqual(keys, want) {
		t.Fatalf("merged %q, want %q", keys, want)
	}
	if got := engine.MergeAllMethods(regs[:1], nil); len(got) != 1 || got[0].Method != "GET" {
		t.Fatalf("without a methods list: %+v", got)
	}
}
