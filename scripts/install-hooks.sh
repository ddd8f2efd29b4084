#!/usr/bin/env bash
# `make hooks`: install `make check` as this clone's git pre-commit hook.
# Running it again changes nothing. A pre-commit hook that this script did
# not write (it lacks the marker line) is never overwritten: it is left as
# it is, with a message, and the exit status is 1.
set -euo pipefail
cd "$(dirname "$0")/.."
marker="# installed by schemactl: make hooks"
hooks=$(git rev-parse --git-path hooks)
hook="$hooks/pre-commit"

want="#!/bin/sh
$marker
# The pre-commit check: static analysis, unit tests, integration tests and
# the gate (scripts/check.sh). Skip once with git commit --no-verify.
exec make --no-print-directory -C \"\$(git rev-parse --show-toplevel)\" check"

if [ -e "$hook" ] || [ -L "$hook" ]; then
	if ! grep -qxF "$marker" "$hook" 2>/dev/null; then
		echo "make hooks: $hook exists and was not written by schemactl; left it alone." >&2
		echo "make hooks: to run the check from it, add: make -C \"\$(git rev-parse --show-toplevel)\" check" >&2
		exit 1
	fi
	if [ "$(cat "$hook")" = "$want" ] && [ -x "$hook" ]; then
		echo "make hooks: $hook is already installed"
		exit 0
	fi
fi
mkdir -p "$hooks"
tmp=$(mktemp "$hooks/.pre-commit.XXXXXX")
printf '%s\n' "$want" >"$tmp"
chmod 0755 "$tmp"
mv -f "$tmp" "$hook"
echo "make hooks: installed $hook (runs make check)"
