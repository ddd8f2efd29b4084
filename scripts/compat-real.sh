#!/usr/bin/env bash
# The trial on real public Ent projects recorded in docs/compatibility.md:
# schemactl run on each as a new user would, from the project's root, with
# the project's migration directory (in its own format) and Ent schema
# package named on the command line, and, where the project has an
# atlas.hcl, also with its own env block.
#
#   scripts/compat-real.sh SRC [OUT]
#
# SRC holds one checked-out project per directory, named as in the PROJECTS
# table below (docs/compatibility.md says which repository and commit each
# is; check them out with `git archive <commit> | tar -x -C SRC/<name>`, or
# file by file where a snapshot lacks a large generated file).
# Projects missing from SRC are skipped. OUT (default: a new temporary
# directory) receives, per project and command, the stdout, stderr and
# `/usr/bin/time -v` output, and:
#
#   summary.tsv  project, command, exit status, wall seconds, peak RSS in
#                KiB (the largest single process of the run: schemactl, or
#                a child it waited for such as the go command or the
#                compiled loader);
#   checks.tsv   project, check, result: whether the warm lint printed
#                exactly what the cold one did (stdout and stderr), and
#                whether `migrate hash` on a copy of the directory left
#                atlas.sum byte-identical.
#
# SCHEMACTL names the binary (default: bin/schemactl, built from this
# checkout). Each project gets its own fresh schemactl cache, so the first
# lint is a cold-cache run and the second a warm one (the realm cache lets
# it skip the dev database); the Go build and module caches are the
# caller's (download the project's modules first with `go mod download`: a
# new user has them). `migrate apply` and `migrate status` run on a
# throwaway database from `schemactl devdb`, started and stopped (SIGINT,
# as Ctrl-C) per project. Not run in CI: it needs the projects' sources,
# which only a fetch brings.
set -uo pipefail

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
	echo "usage: scripts/compat-real.sh SRC [OUT]" >&2
	exit 2
fi
SRC=$(cd "$1" && pwd)
OUT=${2:-$(mktemp -d /tmp/compat-real.XXXXXX)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${SCHEMACTL:-}" ]; then
	(cd "$ROOT" && go build -o bin/schemactl ./cmd/schemactl) || exit 2
	SCHEMACTL=$ROOT/bin/schemactl
fi

# name | migration directory, with ?format= where it is not Atlas's (as the
# project's own tooling names it) | schema package(s), space-separated |
# env of the project's atlas.hcl to run with as well (empty: none)
PROJECTS='
trenova|internal/ent/migrate/migrations|internal/ent/schema|
app-orch-catalog|internal/ent/migrate/migrations|internal/ent/schema|
comfy-registry|ent/migrate/migrations|ent/schema|
fijoy|ent/migrate/migrations?format=golang-migrate|ent/schema|
sisyphus|internal/ent/migrate/migrations|internal/ent/schema|
obgs-backend|internal/ent/migrate/migrations|internal/ent/schema|
carbonable-portfolio|ent/migrate/migrations|ent/schema|
openmeter|tools/migrate/migrations?format=golang-migrate|openmeter/ent/schema|local
'

printf 'project\tcommand\texit\tseconds\tpeak_rss_kib\n' >"$OUT/summary.tsv"
printf 'project\tcheck\tresult\n' >"$OUT/checks.tsv"

# run NAME LABEL ARGS...: one schemactl command, timed, in the project.
run() {
	local name=$1 label=$2 rc secs rss
	shift 2
	(cd "$SRC/$name" && /usr/bin/time -v -o "$OUT/$name.$label.time" "$SCHEMACTL" "$@" \
		>"$OUT/$name.$label.out" 2>"$OUT/$name.$label.err")
	rc=$(sed -n 's/^\tExit status: //p' "$OUT/$name.$label.time")
	secs=$(sed -n 's/^\tElapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/$name.$label.time" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
	rss=$(sed -n 's/^\tMaximum resident set size (kbytes): //p' "$OUT/$name.$label.time")
	rc=${rc:-signal} # killed: time printed no exit status
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$label" "$rc" "$secs" "$rss" | tee -a "$OUT/summary.tsv"
}

# check NAME CHECK RESULT: one line of checks.tsv.
check() {
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" | tee -a "$OUT/checks.tsv"
}

# same NAME COLD WARM: the warm run printed exactly what the cold one did.
same() {
	local name=$1 a=$OUT/$1.$2 b=$OUT/$1.$3
	if cmp -s "$a.out" "$b.out" && cmp -s "$a.err" "$b.err"; then
		check "$name" "$3==$2" same
	else
		check "$name" "$3==$2" DIFFERENT
	fi
}

# hashed NAME DIR: migrate hash on a copy of the directory leaves its
# atlas.sum byte-identical.
hashed() {
	local name=$1 dir=${2%%\?*} query=
	[ "$dir" != "$2" ] && query="?${2#*\?}"
	local copy=$OUT/work/$name-hash
	rm -rf "$copy"
	mkdir -p "$copy"
	cp -r "$SRC/$name/$dir" "$copy/migrations"
	if (cd "$copy" && "$SCHEMACTL" migrate hash --dir "file://migrations$query") \
		>"$OUT/$name.hash.out" 2>"$OUT/$name.hash.err"; then
		if cmp -s "$copy/migrations/atlas.sum" "$SRC/$name/$dir/atlas.sum"; then
			check "$name" hash identical
		else
			check "$name" hash differs
		fi
	else
		check "$name" hash failed
	fi
}

# devdb NAME: starts `schemactl devdb` for the project and sets URL to the
# database it prints, DEVDB_PID to stop it with.
devdb() {
	local log=$OUT/$1.devdb.out i
	URL=
	"$SCHEMACTL" devdb >"$log" 2>&1 &
	DEVDB_PID=$!
	for i in $(seq 100); do
		URL=$(grep -m1 '^postgres://' "$log")
		[ -n "$URL" ] && return 0
		sleep 0.2
	done
	echo "devdb for $1 printed no URL: see $log" >&2
	return 1
}

stop_devdb() {
	kill -INT "$DEVDB_PID" 2>/dev/null
	wait "$DEVDB_PID" 2>/dev/null
}

echo "$PROJECTS" | while IFS='|' read -r name dir schemas env; do
	[ -n "$name" ] || continue
	if [ ! -d "$SRC/$name" ]; then
		echo "skip $name: not in $SRC" >&2
		continue
	fi
	to=()
	for s in $schemas; do
		to+=(--to "ent://$s")
	done
	export SCHEMACTL_CACHE_DIR="$OUT/cache-$name"
	rm -rf "$SCHEMACTL_CACHE_DIR"
	run "$name" validate migrate validate --dir "file://$dir"
	run "$name" lint-cold migrate lint --dir "file://$dir" "${to[@]}"
	run "$name" lint-warm migrate lint --dir "file://$dir" "${to[@]}"
	same "$name" lint-cold lint-warm
	run "$name" diff-check migrate diff --check --dir "file://$dir" "${to[@]}"
	hashed "$name" "$dir"
	if devdb "$name"; then
		run "$name" apply migrate apply --dir "file://$dir" --url "$URL"
		run "$name" status migrate status --dir "file://$dir" --url "$URL"
		run "$name" drift schema drift --dir "file://$dir" "${to[@]}" --url "$URL"
		stop_devdb
	fi
	[ -n "$env" ] || continue
	# The project's own atlas.hcl, as its developers run it, in a cache of
	# its own so that its first lint is cold too.
	export SCHEMACTL_CACHE_DIR="$OUT/cache-$name-env"
	rm -rf "$SCHEMACTL_CACHE_DIR"
	run "$name" env-validate migrate validate --env "$env"
	run "$name" env-lint-cold migrate lint --env "$env"
	run "$name" env-lint-warm migrate lint --env "$env"
	same "$name" env-lint-cold env-lint-warm
	run "$name" env-diff-check migrate diff --check --env "$env"
	if devdb "$name-env"; then
		run "$name" env-apply migrate apply --env "$env" --url "$URL"
		run "$name" env-status migrate status --env "$env" --url "$URL"
		run "$name" env-drift schema drift --env "$env" --url "$URL"
		stop_devdb
	fi
done
echo "results in $OUT" >&2
