#!/usr/bin/env bash
# The pre-commit check (`make check`, and the hook `make hooks` installs):
# what CI does, quietly. Three parts, in this order, stopping at the first
# that fails (its output is shown, and the exit status is its own):
#
#   static       gofmt, go vet, staticcheck (pinned in go.mod as a tool;
#                generated Ent code is left out, ent/schema is not), and
#                go vet as on macOS and Windows (crossvet)
#   unit         the tests of the packages that need no PostgreSQL
#   integration  the tests of the packages that start it, then the gate
#
# A package is an integration package when it is internal/devdb or its
# tests import it: that is what starts PostgreSQL. The packages that run
# goroutines around the database (RACE) run under the race detector, in the
# integration part. One summary line per part.
#
# The gate runs the built binary (bin/schemactl), not `go run`, which exits
# 1 whatever the program's status: its 1 (findings) and 2 (could not run)
# are this script's exit status. CHECK_GATE overrides the gate command (the
# tests of this script use it).
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
GATE=${CHECK_GATE:-"$GO build -o bin/schemactl ./cmd/schemactl && bin/schemactl migrate lint"}
module=$($GO list -m)
RACE=$($GO list ./... | grep -E "^$module/internal/(devdb|replaycache|states|apply)$" | tr '\n' ' ')

# part NAME COMMAND...: run quietly, print "NAME PASS|FAIL seconds".
part() {
	local name=$1 start out rc
	shift
	start=$(date +%s%N)
	out=$("$@" 2>&1)
	rc=$?
	local ms=$((($(date +%s%N) - start) / 1000000))
	if [ "$rc" -ne 0 ]; then
		printf '%s\n' "$out"
		printf '%-12s FAIL %d.%01ds\n' "$name" $((ms / 1000)) $((ms % 1000 / 100))
		exit "$rc"
	fi
	printf '%-12s PASS %d.%01ds\n' "$name" $((ms / 1000)) $((ms % 1000 / 100))
}

static() {
	local files unformatted
	files=$(git ls-files '*.go')
	unformatted=$(gofmt -l $files) || return 1
	if [ -n "$unformatted" ]; then
		echo "gofmt needed:"
		echo "$unformatted"
		return 1
	fi
	$GO vet ./... || return 1
	# Generated Ent code is not ours to lint; the schemas are.
	$GO tool staticcheck $($GO list ./... | grep -v "^$module/ent\(/\|$\)") $($GO list ./ent/schema 2>/dev/null) || return 1
	crossvet
}

# crossvet runs go vet as on the other platforms developers run schemactl
# on: macOS (darwin/arm64) and Windows (windows/amd64; the embedded dev
# database says there that it is not supported, --dev-url works). Their C
# toolchains are not here, so cgo is off, and pg_query's functions (cgo
# only) would be missing: vet sees a copy of pg_query whose functions
# panic, through a temporary go.mod (-modfile) replacing it. Nothing in
# the repository changes; the build on those platforms has cgo and the
# real pg_query.
crossvet() {
	local tmp pgq target rc=0
	tmp=$(mktemp -d) || return 1
	cp go.mod go.sum "$tmp/" || { rm -rf "$tmp"; return 1; }
	pgq=$($GO list -m -f '{{.Dir}}' github.com/pganalyze/pg_query_go/v6 2>/dev/null)
	if [ -n "$pgq" ] && [ -f "$pgq/pg_query.go" ]; then
		mkdir "$tmp/pg_query_go"
		cp "$pgq/go.mod" "$tmp/pg_query_go/"
		for f in "$pgq"/*.go; do
			case $f in *_test.go) ;; *) cp "$f" "$tmp/pg_query_go/" ;; esac
		done
		{
			printf '//go:build !cgo\n\npackage pg_query\n\n'
			grep '^func .*{$' "$pgq/pg_query.go" | sed 's/{$/{ panic("pg_query: built without cgo") }/'
		} >"$tmp/pg_query_go/nocgo_vet.go"
		$GO mod edit -modfile="$tmp/go.mod" -replace "github.com/pganalyze/pg_query_go/v6=$tmp/pg_query_go"
	fi
	for target in darwin/arm64 windows/amd64; do
		if ! GOOS=${target%/*} GOARCH=${target#*/} CGO_ENABLED=0 $GO vet -modfile="$tmp/go.mod" ./...; then
			echo "go vet failed as on GOOS=${target%/*} GOARCH=${target#*/}"
			rc=1
		fi
	done
	rm -rf "$tmp"
	return $rc
}

# packages unit|integration: the packages with tests of that kind, but for
# those in RACE.
packages() {
	$GO list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... |
		awk -v kind="$1" -v devdb="$module/internal/devdb" -v race="$RACE" '
			BEGIN { n = split(race, r, " "); for (i = 1; i <= n; i++) skip[r[i]] = 1 }
			NF > 1 && !($1 in skip) {
				pg = 0
				for (i = 1; i <= NF; i++) if (index($i, devdb) == 1) pg = 1
				if ((kind == "integration") == pg) print $1
			}'
}

unit() {
	local pkgs
	pkgs=$(packages unit)
	[ -z "$pkgs" ] || $GO test $pkgs
}

integration() {
	local pkgs
	pkgs=$(packages integration)
	if [ -n "$RACE" ]; then
		$GO test -race $RACE || return 1
	fi
	if [ -n "$pkgs" ]; then
		# internal/cli takes about 3 minutes alone on 2 cores; go test's
		# 10-minute default would kill it on a machine busy with other work.
		$GO test -timeout 30m $pkgs || return 1
	fi
	eval "$GATE"
}

part static static
part unit unit
part integration integration
