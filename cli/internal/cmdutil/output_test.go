package cmdutil

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/spf13/cobra"
)

func TestOutputFlag(t *testing.T) {
	var o Output
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	AddOutputFlag(cmd, &o)
	if o.JSON() || o.String() != "table" {
		t.Fatalf("default %q", o)
	}
	if err := cmd.Flags().Set("output", "json"); err != nil || !o.JSON() {
		t.Fatalf("json: %v", err)
	}
	if err := cmd.Flags().Set("output", "yaml"); err == nil {
		t.Fatal("yaml accepted")
	}
}

func TestPrintJSON(t *testing.T) {
	var b bytes.Buffer
	if err := PrintJSON(&b, []byte(`{"a":[1,2]}`)); err != nil || b.String() != "{\n  \"a\": [\n    1,\n    2\n  ]\n}\n" {
		t.Fatalf("%q, %v", b.String(), err)
	}
	if err := PrintJSON(&b, []byte(`<html>`)); err == nil {
		t.Fatal("invalid JSON printed")
	}
}

func TestUsageErrors(t *testing.T) {
	for _, err := range []error{
		FlagErrorf("bad"),
		fmt.Errorf("wrapped: %w", FlagErrorf("bad")),
		errors.New(`unknown command "x" for "waygate"`),
		errors.New(`required flag(s) "end" not set`),
		errors.New("unknown flag: --x"),
	} {
		if !IsUsageError(err) {
			t.Errorf("%v: not a usage error", err)
		}
	}
	for _, err := range []error{nil, errors.New("route not found"), ErrSilent} {
		if IsUsageError(err) {
			t.Errorf("%v: a usage error", err)
		}
	}
	if FlagErrorWrap(nil) != nil {
		t.Error("FlagErrorWrap(nil)")
	}
	if err := MutuallyExclusive("pick one", true, true); !IsUsageError(err) {
		t.Error("MutuallyExclusive")
	}
	if err := MutuallyExclusive("pick one", true, false); err != nil {
		t.Error("MutuallyExclusive with one")
	}
}
