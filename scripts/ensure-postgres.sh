#!/usr/bin/env bash
# Makes sure the PostgreSQL server binaries (initdb, postgres) are on this
# machine, installing Debian's postgresql package when they are missing. The
# embedded dev database starts its own throwaway clusters from them; the
# package's own default cluster is not wanted, so none is created.
set -euo pipefail

# have_server looks where schemactl does (internal/devdb, docs/devdb.md):
# PATH, Debian's layout, and on a Mac Homebrew's, Postgres.app's and
# MacPorts' (not on PATH as installed).
have_server() {
  command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1 && return 0
  [ -n "${SCHEMACTL_PG_LIBDIR:-}" ] && compgen -G "$SCHEMACTL_PG_LIBDIR/*/bin/postgres" >/dev/null && return 0
  local p
  for p in /usr/lib/postgresql/*/bin /opt/homebrew/opt/postgresql*/bin /usr/local/opt/postgresql*/bin \
    /opt/homebrew/bin /Applications/Postgres.app/Contents/Versions/*/bin /opt/local/lib/postgresql*/bin; do
    [ -x "$p/initdb" ] && [ -x "$p/postgres" ] && return 0
  done
  return 1
}

have_server && exit 0

if [ "$(uname -s)" = Darwin ]; then
  echo "ensure-postgres: no PostgreSQL server binaries; install them with \`brew install postgresql@17\`, or Postgres.app (https://postgresapp.com), and re-run (see docs/devdb.md#laptops)" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-postgres: no PostgreSQL server binaries and no apt-get; install the PostgreSQL server (initdb, postgres) and re-run, or pass --dev-url" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "ensure-postgres: run as root, or install with: apt-get install postgresql" >&2
    exit 1
  fi
  sudo="sudo"
fi
echo "ensure-postgres: installing Debian's postgresql package" >&2
# createcluster.conf includes this directory: no default cluster, no server
# started by the package.
$sudo mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.d/schemactl.conf >/dev/null
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
have_server
