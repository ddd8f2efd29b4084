#!/usr/bin/env bash
# Makes sure the PostgreSQL server binaries (initdb, postgres) are on this
# machine, installing Debian's postgresql package when they are missing. The
# embedded dev database starts its own throwaway clusters from them; the
# package's own default cluster is not wanted, so none is created.
set -euo pipefail

have_server() {
  command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1 && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

have_server && exit 0

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
