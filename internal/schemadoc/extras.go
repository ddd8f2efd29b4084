package schemadoc

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/ledgerforge/schemactl/internal/compare"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// extras lists the functions, triggers and extensions the desired state
// declares (a SQL source composed with the Ent schemas), each with its
// state, and the comparison's notes: what it could not check. An audit of
// Ent alone with nothing to note reads as before.
func (a *auditor) extras(b *bytes.Buffer) {
	x := pgdb.ExtrasOf(a.in.Desired)
	if !x.Undeclared && len(x.Funcs)+len(x.Triggers)+len(x.Extensions) > 0 {
		b.WriteString("## Functions, triggers and extensions\n\nDeclared by the SQL sources of the desired state.\n\n| object | definition | state |\n| --- | --- | --- |\n")
		for _, e := range x.Extensions {
			fmt.Fprintf(b, "| %s | in schema `%s` | %s |\n", cell(compare.ExtensionRef(e).String()), e.Schema, a.state(compare.ExtensionRef(e)))
		}
		for _, f := range x.Funcs {
			info := pgdb.InfoOf(f)
			def := info.Kind + " (" + info.Args + ")"
			if info.Result != "" {
				def += " returns " + info.Result
			}
			fmt.Fprintf(b, "| %s | %s, %s | %s |\n", cell(compare.FuncRef(f).String()), cell(def), f.Lang, a.state(compare.FuncRef(f)))
		}
		for _, t := range x.Triggers {
			def := strings.TrimPrefix(t.Body, "CREATE TRIGGER "+t.Name+" ")
			fmt.Fprintf(b, "| %s | %s | %s |\n", cell(compare.TriggerRef(t).String()), cell(def), a.state(compare.TriggerRef(t)))
		}
		b.WriteString("\n")
	}
	for _, n := range a.in.Result.Notes {
		fmt.Fprintf(b, "> %s\n\n", strings.ReplaceAll(n, "\n", " "))
	}
}
