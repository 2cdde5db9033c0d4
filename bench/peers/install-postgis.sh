#!/usr/bin/env bash
# Installs PostgreSQL 15 and PostGIS 3 from Debian's packages, for bench:peers
# and its harness test (bench/peers/). Does nothing when both are present.
# Needs root (or sudo) and the Debian apt sources; Debian 12 ships exactly
# these versions, so the comparison always runs against the same majors.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
POSTGIS_CONTROL=/usr/share/postgresql/15/extension/postgis.control

if [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" && -f "$POSTGIS_CONTROL" ]]; then
  exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    exec sudo -n "$0" "$@"
  fi
  echo "PostgreSQL 15 + PostGIS 3 are missing and installing them needs root: run 'sudo bash bench/peers/install-postgis.sh' (or 'apt-get install postgresql-15-postgis-3' as root)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# Debian's postgresql-common creates and starts a 'main' cluster on install; the
# benchmark runs its own throwaway clusters, so none is wanted.
mkdir -p /etc/postgresql-common
if [[ ! -f /etc/postgresql-common/createcluster.conf ]] || ! grep -q '^create_main_cluster' /etc/postgresql-common/createcluster.conf; then
  echo 'create_main_cluster = false' >> /etc/postgresql-common/createcluster.conf
fi
apt-get install -y -q --no-install-recommends postgresql-15 postgresql-15-postgis-3
