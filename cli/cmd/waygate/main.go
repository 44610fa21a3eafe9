// Command waygate operates Waygate from the command line: see waygate --help.
package main

import (
	"os"

	"github.com/waygate-go/waygate/cli/internal/waygatecmd"
)

func main() { os.Exit(int(waygatecmd.Main())) }
