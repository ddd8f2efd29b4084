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
# is; check them out with `git archive <commit> | tar -x -C SRC/<name>`).
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
# fijoy keeps a golang-migrate directory (up and down files), which
# schemactl does not read yet: fijoy-atlas is the same project with its up
# files copied into an Atlas directory and hashed, to check the Ent side.
if [ -d "$SRC/fijoy" ]; then
	rm -rf "$OUT/work/fijoy-atlas"
	mkdir -p "$OUT/work"
	cp -r "$SRC/fijoy" "$OUT/work/fijoy-atlas"
	dir=$OUT/work/fijoy-atlas/atlasdir
	mkdir "$dir"
	for f in "$SRC"/fijoy/ent/migrate/migrations/*.up.sql; do
		b=$(basename "$f" .up.sql)
		cp "$f" "$dir/$b.sql"
	done
	(cd "$OUT/work/fijoy-atlas" && "$SCHEMACTL" migrate hash --dir file://atlasdir) || exit 2
	SRC=$OUT/work
	export SCHEMACTL_CACHE_DIR="$OUT/cache-fijoy-atlas"
	rm -rf "$SCHEMACTL_CACHE_DIR"
	run fijoy-atlas lint-cold migrate lint --dir file://atlasdir --to ent://ent/schema
	run fijoy-atlas diff-check migrate diff --check --dir file://atlasdir --to ent://ent/schema
fi
echo "results in $OUT" >&2
