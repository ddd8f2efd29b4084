// Command schemactl keeps Ent schemas and Atlas-format migrations in lockstep.
package main

import (
	"context"
	"os"

	"github.com/ledgerforge/schemactl/internal/cli"
)

func main() { os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
