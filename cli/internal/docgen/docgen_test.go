package docgen

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/waygate-go/waygate/cli/internal/cmd/root"
	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

var update = flag.Bool("update", false, "rewrite docs/cli.md from the command tree")

// page is the committed reference.
var page = filepath.Join("..", "..", "..", "docs", "cli.md")

func TestCLIReferenceIsCurrent(t *testing.T) {
	f, _ := cmdtest.Factory(nil)
	want := Markdown(root.NewCmdRoot(f))
	if *update {
		if err := os.WriteFile(page, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(page)
	if err != nil {
		t.Fatalf("%v: generate it with: go generate ./internal/docgen", err)
	}
	if string(got) != want {
		t.Fatalf("docs/cli.md is stale: regenerate it with: go generate ./internal/docgen (in cli/)")
	}
}

func TestReferenceCoversEveryCommand(t *testing.T) {
	f, _ := cmdtest.Factory(nil)
	rootCmd := root.NewCmdRoot(f)
	md := Markdown(rootCmd)
	n := 0
	walk(rootCmd, func(c *cobra.Command) {
		n++
		if c.Short == "" {
			t.Errorf("%s has no short description", c.CommandPath())
		}
		if c != rootCmd && !strings.Contains(md, "\n### "+c.CommandPath()+"\n") {
			t.Errorf("the reference lacks %q", c.CommandPath())
		}
	})
	if n < 90 {
		t.Errorf("only %d commands in the tree", n)
	}
	if strings.Contains(md, "### waygate help") || strings.Contains(md, "```go") {
		t.Error("the reference documents help, or has Go blocks the snippet test would check")
	}
}
