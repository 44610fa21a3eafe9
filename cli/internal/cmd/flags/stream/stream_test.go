package stream

import (
	"errors"
	"strings"
	"testing"
)

func TestReadEvents(t *testing.T) {
	in := "retry: 3000\n: connected\n\nevent: evaluation\ndata: {\"a\":1}\n\n: keepalive\n\ndata: line1\ndata: line2\n\nevent: evaluation\ndata: {\"b\":2}\n\n"
	var got []string
	err := ReadEvents(strings.NewReader(in), func(name string, data []byte) error {
		got = append(got, name+"="+string(data))
		return nil
	})
	want := []string{`evaluation={"a":1}`, "message=line1\nline2", `evaluation={"b":2}`}
	if err != nil || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, %v", got, err)
	}
	stop := errors.New("stop")
	n := 0
	err = ReadEvents(strings.NewReader(in), func(string, []byte) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("callback error: %v after %d", err, n)
	}
}
