#!/usr/bin/env bash
# Throwaway PostgreSQL clusters for tests: `source .ci/postgres.sh; pg_start; ...; pg_stop`.
# pg_start exports PG_PORT, PG_DIR and TEST_DATABASE_URL. initdb refuses root, so the cluster
# belongs to the `postgres` user when we are root.
set -euo pipefail

pg_bin() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return
  fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$found" ]; then
    echo "installing PostgreSQL (apt-get)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    found=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$found"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

as_pg_user() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --create-home postgres
    (cd / && su postgres -s /bin/bash -c "$*")
  else
    bash -c "$*"
  fi
}

pg_start() {
  local bin
  bin=$(pg_bin)
  PG_BIN=$bin
  PG_PORT=${PG_PORT:-$(free_port)}
  PG_DIR=$(mktemp -d /tmp/djcd-pg.XXXXXX)
  chmod 777 "$PG_DIR"
  as_pg_user "'$bin/initdb' -D '$PG_DIR/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >'$PG_DIR/initdb.log' 2>&1"
  as_pg_user "'$bin/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/server.log' -w -o \"-p $PG_PORT -k '$PG_DIR' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300\" start >/dev/null"
  export PG_BIN PG_PORT PG_DIR
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  echo "PostgreSQL listening on 127.0.0.1:$PG_PORT ($PG_DIR)" >&2
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    as_pg_user "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m fast -w stop >/dev/null" || true
    rm -rf "$PG_DIR"
  fi
}
