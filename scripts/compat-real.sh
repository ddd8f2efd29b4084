#!/usr/bin/env bash
# The trial on real public Ent projects recorded in docs/compatibility.md:
# schemactl run on each as a new user would, from the project's root, with
# the project's migration directory and Ent schema package named on the
# command line.
#
#   scripts/compat-real.sh SRC [OUT]
#
# SRC holds one checked-out project per directory, named as in the PROJECTS
# table below (docs/compatibility.md says which repository and commit each
# is; check them out with `git archive <commit> | tar -x -C SRC/<name>`, or
# file by file where a snapshot lacks a large generated file).
# Projects missing from SRC are skipped. OUT (default: a new temporary
# directory) receives, per project and command, the stdout, stderr and
# `/usr/bin/time -v` output, and summary.tsv: project, command, exit
# status, wall seconds, peak RSS in KiB (the largest single process of the
# run: schemactl, or a child it waited for such as the go command or the
# compiled loader).
#
# SCHEMACTL names the binary (default: bin/schemactl, built from this
# checkout). Each project gets its own fresh schemactl cache, so the first
# lint is a cold-cache run and the second a warm one; the Go build and
# module caches are the caller's (download the project's modules first
# with `go mod download`: a new user has them). Not run in CI: it needs the
# projects' sources, which only a fetch brings.
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

# name | migration directory (as the project's own tooling names it) |
# schema package(s), space-separated
PROJECTS='
trenova|internal/ent/migrate/migrations|internal/ent/schema
app-orch-catalog|internal/ent/migrate/migrations|internal/ent/schema
comfy-registry|ent/migrate/migrations|ent/schema
fijoy|ent/migrate/migrations?format=golang-migrate|ent/schema
sisyphus|internal/ent/migrate/migrations|internal/ent/schema
obgs-backend|internal/ent/migrate/migrations|internal/ent/schema
carbonable-portfolio|ent/migrate/migrations|ent/schema
openmeter|tools/migrate/migrations?format=golang-migrate|openmeter/ent/schema
'

printf 'project\tcommand\texit\tseconds\tpeak_rss_kib\n' >"$OUT/summary.tsv"

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

echo "$PROJECTS" | while IFS='|' read -r name dir schemas; do
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
	run "$name" diff-check migrate diff --check --dir "file://$dir" "${to[@]}"
done
# fijoy and openmeter keep golang-migrate directories (up and down files),
# which schemactl does not read yet: NAME-atlas is the same project with
# its up files copied into an Atlas directory and hashed, and its atlas.hcl
# set aside (openmeter's uses locals), to check the Ent side.
adapted() {
	local name=$1 dir=$2 schema=$3 work=$OUT/work
	[ -d "$SRC/$name" ] || return 0
	rm -rf "$work/$name-atlas"
	mkdir -p "$work"
	cp -r "$SRC/$name" "$work/$name-atlas"
	mv -f "$work/$name-atlas/atlas.hcl" "$work/$name-atlas/atlas.hcl.orig" 2>/dev/null
	mkdir "$work/$name-atlas/atlasdir"
	for f in "$SRC/$name/$dir"/*.up.sql; do
		cp "$f" "$work/$name-atlas/atlasdir/$(basename "$f" .up.sql).sql"
	done
	(cd "$work/$name-atlas" && "$SCHEMACTL" migrate hash --dir file://atlasdir) || exit 2
	export SCHEMACTL_CACHE_DIR="$OUT/cache-$name-atlas"
	rm -rf "$SCHEMACTL_CACHE_DIR"
	SRC=$work run "$name-atlas" lint-cold migrate lint --dir file://atlasdir --to "ent://$schema"
	SRC=$work run "$name-atlas" diff-check migrate diff --check --dir file://atlasdir --to "ent://$schema"
}
# openmeter's own atlas.hcl, as its developers run it.
if [ -d "$SRC/openmeter" ]; then
	export SCHEMACTL_CACHE_DIR="$OUT/cache-openmeter"
	run openmeter lint-env migrate lint --env local
fi
adapted fijoy ent/migrate/migrations ent/schema
adapted openmeter tools/migrate/migrations openmeter/ent/schema
echo "results in $OUT" >&2
