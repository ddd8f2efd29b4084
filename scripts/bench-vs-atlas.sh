#!/usr/bin/env bash
# schemactl beside Atlas's community CLI, in one run, on the benchmark of
# docs/performance.md: the 270-version golang-migrate history of
# internal/cli/gmhistory_test.go (540 files) and its atlas.hcl, reviewed
# with
#
#   atlas     migrate lint --env bench --latest 100 --dev-url URL
#   schemactl migrate lint --env bench --latest 100
#
# URL is a database on schemactl's embedded dev server (`schemactl devdb`),
# so both tools replay on the same PostgreSQL installation: Atlas on that
# running server, schemactl on the one it starts itself, as it does by
# default (its start is part of its time). The two run alternately,
# RUNS times each (default 5); schemactl both without its replay cache
# (--no-cache: every file replayed, as Atlas does) and with it (the files
# before the reviewed ones cached by the previous run). It prints each
# median and the ratios, then compares the errors: every diagnostic Atlas
# counts as an error under the policy (the reports of the analyzers its
# file error names), by file and code, must be an error of schemactl's,
# or a rename schemactl reports as one (see "Renames" below).
# Exit 0 when it is, 1 when schemactl misses some, 2 when a tool fails.
# SIDES=atlas runs Atlas's side alone (its median and its errors).
#
# Not run in CI: it needs Atlas's CLI, built from its source (never
# committed, never a dependency): ATLAS=/path/to/atlas, default
# /tmp/atlas-cli/atlas. It also needs jq.
#
# usage: scripts/bench-vs-atlas.sh [RUNS]
#        scripts/bench-vs-atlas.sh --compare ATLAS.json SCHEMACTL.json
#          (the comparison alone, on the two tools' JSON reports)
set -euo pipefail

# The errors, as "file code" lines. Atlas (its --format '{{ json . }}'): a
# file's Error joins the texts of the analyzers that failed it ("; "); their
# reports' diagnostics are the errors, and a file error without such a
# report (a statement that did not replay) is schemactl's code for that,
# RPL101. schemactl (--format json): the findings of severity error, by the
# file they point at.
atlas_errors() {
	jq -r '.Files[]? | select((.Error // "") != "") | .Name as $f | (.Error | split("; ")) as $e
		| ([(.Reports // [])[] | select(.Text as $t | $e | index($t)) | .Diagnostics[]? | "\($f) \(.Code)"]) as $d
		| if ($d | length) > 0 then $d[] else "\($f) RPL101" end' "$1" | sort -u
}
our_errors() {
	jq -r '.findings[] | select(.severity == "error") | "\((.fix.file // .object) | split("/") | last) \(.code)"' "$1" | sort -u
}

# Renames. Atlas's analyzers report a renamed table or column as BC101 or
# BC102 when its statement parser turns the dropped-and-added pair the
# inspections show into a rename (sqlparse's FixChange); the open-source
# build's PostgreSQL parser leaves the pair as it is, so its destructive
# analyzer reports the rename as DS102 or DS103. No data is lost: schemactl
# reports the rename, BC101 or BC102. An Atlas DS102/DS103 is the rename
# schemactl reports when every table or column it names (as "file code
# name") is one schemactl reports renamed, as an error, in that file.
atlas_drops() {
	jq -r '.Files[]? | select((.Error // "") != "") | .Name as $f | (.Error | split("; ")) as $e
		| (.Reports // [])[] | select(.Text as $t | $e | index($t)) | .Diagnostics[]?
		| select(.Code == "DS102" or .Code == "DS103") | .Code as $c
		| .Text | [scan("\"([^\"]+)\"")[0]][] | "\($f) \($c) \(.)"' "$1" | sort -u
}
our_renames() {
	jq -r '.findings[] | select(.severity == "error" and (.code == "BC101" or .code == "BC102"))
		| "\((.fix.file // .object) | split("/") | last) \(if .code == "BC101" then "DS102" else "DS103" end) \(.object | capture("\"(?<n>[^\"]+)\"$").n)"' "$1" | sort -u
}
# renamed ATLAS.json OURS.json: the "file code" pairs of Atlas's DS102/DS103
# that are schemactl's renames.
renamed() {
	awk 'NR == FNR { r[$0] = 1; next } { k = $1 " " $2; seen[k] = 1; if (!($0 in r)) bad[k] = 1 }
		END { for (k in seen) if (!(k in bad)) print k }' <(our_renames "$2") <(atlas_drops "$1") | sort -u
}

# compare ATLAS.json OURS.json: exit 1 when an error of Atlas's is neither
# one of schemactl's (file and code) nor a rename schemactl reports as one.
compare() {
	local missed renames
	echo "errors (file and code): atlas $(atlas_errors "$1" | wc -l), schemactl $(our_errors "$2" | wc -l)"
	renames=$(comm -23 <(atlas_errors "$1") <(our_errors "$2") | comm -12 - <(renamed "$1" "$2"))
	if [ -n "$renames" ]; then
		echo "$(echo "$renames" | wc -l) of Atlas's are renames, which its open-source build reports as drops (DS102, DS103) and schemactl as renames (BC101, BC102):"
		echo "$renames" | sed 's/^/  /'
	fi
	missed=$(comm -23 <(atlas_errors "$1") <(sort -u <(our_errors "$2") <(renamed "$1" "$2")))
	if [ -n "$missed" ]; then
		echo "schemactl misses $(echo "$missed" | wc -l) of Atlas's errors:"
		echo "$missed" | sed 's/^/  /'
		return 1
	fi
	echo "schemactl's errors are a superset of Atlas's"
}

if [ "${1:-}" = --compare ]; then
	[ $# -eq 3 ] || { echo "usage: $0 --compare ATLAS.json SCHEMACTL.json" >&2; exit 2; }
	compare "$2" "$3"
	exit
fi

cd "$(dirname "$0")/.."
ATLAS=${ATLAS:-/tmp/atlas-cli/atlas}
RUNS=${1:-5}
SIDES=${SIDES:-both}
for tool in "$ATLAS" jq go; do
	command -v "$tool" >/dev/null || { echo "bench-vs-atlas: $tool not found (ATLAS=path to Atlas's CLI)" >&2; exit 2; }
done

work=$(mktemp -d)
devpid=
cleanup() {
	if [ -n "$devpid" ]; then kill -INT "$devpid" 2>/dev/null || true; wait "$devpid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/schemactl" ./cmd/schemactl
go test ./internal/cli -run '^TestGolangMigrateHistory$' -count=1 -args -history-out "$work/project" >/dev/null
schemactl="$work/schemactl"

"$schemactl" devdb >"$work/devdb.url" 2>"$work/devdb.err" &
devpid=$!
for _ in $(seq 100); do
	[ -s "$work/devdb.url" ] && break
	sleep 0.1
done
dev=$(head -1 "$work/devdb.url")
[ -n "$dev" ] || { echo "bench-vs-atlas: schemactl devdb printed no URL:" >&2; cat "$work/devdb.err" >&2; exit 2; }

cd "$work/project"
"$ATLAS" migrate hash --env bench
cp migrations/atlas.sum "$work/atlas.sum"
if [ "$SIDES" = atlas ]; then
	:
elif "$schemactl" --env bench migrate hash 2>"$work/hash.err" && cmp -s migrations/atlas.sum "$work/atlas.sum"; then
	echo "hash: schemactl's atlas.sum is Atlas's, byte for byte"
else
	echo "hash: schemactl's atlas.sum differs from Atlas's (or it failed: $(head -1 "$work/hash.err")); Atlas's is used"
	cp "$work/atlas.sum" migrations/atlas.sum
fi

# timed OUT CMD... runs CMD into OUT and prints its wall time in ms; exit 0 and 1
# (findings) are results, anything else a failure.
now_ms() { date +%s%N | cut -c1-13; }
timed() {
	local out=$1 start rc
	shift
	start=$(now_ms)
	rc=0
	"$@" >"$out" 2>"$out.err" || rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "bench-vs-atlas: $* exited $rc:" >&2
		tail -5 "$out.err" "$out" >&2
		exit 2
	fi
	echo $(($(now_ms) - start))
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
# The machine's load average (1, 5, 15 minutes): the figures mean little without it.
load() { cut -d' ' -f1-3 /proc/loadavg; }

lint=(--env bench migrate lint --latest 100 --format json)
echo "load average before: $(load)"
: >"$work/atlas.ms"
: >"$work/cold.ms"
: >"$work/warm.ms"
if [ "$SIDES" != atlas ]; then
	"$schemactl" "${lint[@]}" >/dev/null 2>&1 || true # the replay cache, for the warm runs
fi
for i in $(seq "$RUNS"); do
	timed "$work/atlas.json" "$ATLAS" migrate lint --env bench --latest 100 --dev-url "$dev" --format '{{ json . }}' >>"$work/atlas.ms"
	if [ "$SIDES" = atlas ]; then
		echo "run $i/$RUNS: atlas $(tail -1 "$work/atlas.ms") ms"
		continue
	fi
	timed "$work/cold.json" "$schemactl" "${lint[@]}" --no-cache >>"$work/cold.ms"
	timed "$work/ours.json" "$schemactl" "${lint[@]}" >>"$work/warm.ms"
	echo "run $i/$RUNS: atlas $(tail -1 "$work/atlas.ms") ms, schemactl $(tail -1 "$work/cold.ms") ms cold, $(tail -1 "$work/warm.ms") ms warm"
done
a=$(median <"$work/atlas.ms")
echo "load average after: $(load)"
echo
if [ "$SIDES" = atlas ]; then
	echo "median of $RUNS runs: atlas ${a} ms"
else
	c=$(median <"$work/cold.ms")
	w=$(median <"$work/warm.ms")
	echo "medians of $RUNS runs: atlas ${a} ms; schemactl ${c} ms without its cache ($(awk "BEGIN { printf \"%.1f\", $a / $c }")x faster), ${w} ms with it ($(awk "BEGIN { printf \"%.1f\", $a / $w }")x)"
fi

if [ "$SIDES" = atlas ]; then
	echo "Atlas's errors (file and code), $(atlas_errors "$work/atlas.json" | wc -l):"
	atlas_errors "$work/atlas.json" | sed 's/^/  /'
	exit 0
fi
compare "$work/atlas.json" "$work/ours.json"
