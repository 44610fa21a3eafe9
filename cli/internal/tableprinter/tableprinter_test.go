package tableprinter

import (
	"bytes"
	"testing"
)

func TestRender(t *testing.T) {
	var b bytes.Buffer
	tb := New(&b, nil, "ROUTE", "STATUS", "REASON")
	tb.AddRow("GET:/orders", "\x1b[33mmaintenance\x1b[0m", "re\nindex")
	tb.AddRow("GET:/a", "active")
	if err := tb.Render(); err != nil || tb.Len() != 2 {
		t.Fatal(err)
	}
	want := "ROUTE        STATUS       REASON\n" +
		"GET:/orders  \x1b[33mmaintenance\x1b[0m  re index\n" +
		"GET:/a       active\n"
	if b.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", b.String(), want)
	}
	b.Reset()
	if err := KeyValues(&b, [][2]string{{"Route", "GET:/x"}, {"Status", "active"}}); err != nil || b.String() != "Route:  GET:/x\nStatus: active\n" {
		t.Fatalf("%q", b.String())
	}
}
