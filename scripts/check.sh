#!/usr/bin/env bash
# The pre-commit check (`make check`, and the hook `make hooks` installs):
# what CI does, quietly. Three parts, in this order, stopping at the first
# that fails (its output is shown, and the exit status is its own):
#
#   static       gofmt, go vet, staticcheck (pinned in go.mod as a tool;
#                generated Ent code is left out, ent/schema is not)
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
	$GO tool staticcheck $($GO list ./... | grep -v "^$module/ent\(/\|$\)") $($GO list ./ent/schema 2>/dev/null)
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
