#!/usr/bin/env bash
# Property-based contract tests of a running server, once per role and once without a token:
#
#   contract/schemathesis.sh http://127.0.0.1:8080
#
# For each run, contract/schemathesis_roles.py creates a fresh account of the role (with the bootstrap
# director's credentials), gets its token and writes a per-role schemathesis.toml; then
#
#   st run BASE_URL/api-docs/openapi.json --url BASE_URL -H "Authorization: Bearer $TOKEN"
#      --phases examples,coverage,fuzzing,stateful --seed S
#
# with every check on (`[checks] enabled = true` in the generated config rather than `--checks all`
# on the command line, which would override the few checks the config turns off for one operation),
# runs the four phases: the document's examples, coverage (boundary values, missing and wrong
# parameters, undeclared methods), random fuzzing, and stateful sequences along the links schemathesis
# infers. A run fails on any failed check and also on the warnings that mean the tests never reached
# the operation's logic (missing_auth, missing_test_data, validation_mismatch: `warnings.fail-on` in
# the generated config), except where the role is not allowed to call the operation (the 401/403 is
# then the right answer) and on the operations that check a credential carried in the request.
# The generated config changes a check only for named operations, each with its reason next to it
# (in schemathesis_roles.py and in the generated file): 422 accepted for schema-valid bodies on the
# operations whose rules JSON Schema cannot say (references to records that must exist, comparisons
# between fields), 412 on conditional writes, no use_after_free where DELETE archives, and no coverage
# phase (5 fuzzed cases) where the role may not call the operation at all. contract/schemathesis_hooks.py
# gives positive cases the values only the server has: the current ETag, a fresh Idempotency-Key, a
# real cursor, references to records that exist.
#
# Settings (environment):
#   ST_MAX_EXAMPLES  test cases per operation in the fuzzing phase (default 15; the examples and the
#                    coverage phase do not depend on it, and operations the role may not call get 5).
#                    The five roles take about 4 minutes at 15 on 2 cores, which keeps the contract
#                    check of CI (both databases at once) within 8 minutes; raise it locally for a
#                    deeper search.
#   ST_SEED          the seed (default 20261127), so that CI runs are reproducible; set another one, or
#                    "random", to explore.
#   ST_WORKERS       concurrent workers (default 2).
#   ST_ROLES         the runs, in order (default "anonymous partner agent division_head director"; the
#                    director's run is last because it may deactivate accounts or reset passwords).
#   ST_OUT           where reports go (default <repo>/target/contract/schemathesis[-$ST_LABEL]).
#   ST_LABEL         a name for this series of runs (e.g. "postgres"), used in ST_OUT and the output.
#   BOOTSTRAP_DIRECTOR_EMAIL / BOOTSTRAP_DIRECTOR_PASSWORD  the director that creates the accounts.
#   ST_SCHEMA        the document to test against (default BASE_URL/api-docs/openapi.json); a file
#                    lets you try a document change on the running server before regenerating it.
#   ST_ARGS          more `st run` options, e.g. "--exclude-operation-id reset_user_password".
#   ST               the schemathesis command (default <repo>/.ci/.tools/venv/bin/st).
# Exits non-zero if any run failed. Reports per role: st.log (the console output), json-*.json,
# junit-*.xml, ndjson-*.ndjson (every request and response) and the generated schemathesis.toml.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
base_url="${1:-${BASE_URL:-}}"
base_url="${base_url%/}"
if [ -z "$base_url" ]; then
  echo "usage: $0 BASE_URL" >&2
  exit 2
fi

st="${ST:-$root/.ci/.tools/venv/bin/st}"
python="$(dirname "$st")/python3"
[ -x "$python" ] || python=python3
if [ ! -x "$st" ] && ! command -v "$st" >/dev/null 2>&1; then
  echo "schemathesis not found at $st (run .ci/contract.sh once, or set ST)" >&2
  exit 2
fi

max_examples="${ST_MAX_EXAMPLES:-15}"
seed="${ST_SEED:-20261127}"
workers="${ST_WORKERS:-2}"
roles="${ST_ROLES:-anonymous partner agent division_head director}"
schema="${ST_SCHEMA:-$base_url/api-docs/openapi.json}"
[[ "$schema" == http* || "$schema" == /* ]] || schema="$PWD/$schema"
# shellcheck disable=SC2206
extra_args=(${ST_ARGS:-})
label="${ST_LABEL:-}"
out="${ST_OUT:-$root/target/contract/schemathesis${label:+-$label}}"
rm -rf "$out"
mkdir -p "$out"

# `--suppress-health-check=too_slow`: Hypothesis times its own data generation and gives up on an
# operation whose bodies have many patterned strings (POST /events) when the machine is busy; that
# says nothing of the server, and the cases it would have generated are still generated.
# The test cases per operation go into the generated config (`[generation] max-examples`), where an
# operation can have fewer; `--max-examples` on the command line would override them all.
export BASE_URL="$base_url" ST_BASE_URL="$base_url" ST_MAX_EXAMPLES="$max_examples"
seed_args=()
[ "$seed" = "random" ] || seed_args=(--seed "$seed")

status=0
for role in $roles; do
  dir="$out/$role"
  echo "== schemathesis${label:+ ($label)}: $role"
  if ! "$python" "$here/schemathesis_roles.py" setup "$role" "$dir"; then
    echo "$role: setup failed" >&2
    status=1
    continue
  fi
  authorization="$(cat "$dir/authorization")"
  header_args=()
  [ -z "$authorization" ] || header_args=(-H "Authorization: $authorization")
  export ST_AUTHORIZATION="$authorization" ST_TEST_DATA="$dir/test-data.json"
  set +e
  # The schemathesis cache and example database are off in the config; run in the report folder so
  # that nothing else is left in the work tree.
  (cd "$dir" && "$st" --config-file "$dir/schemathesis.toml" run "$schema" \
    --url "$base_url" \
    "${header_args[@]}" \
    --phases examples,coverage,fuzzing,stateful \
    "${seed_args[@]}" \
    --workers "$workers" \
    --request-timeout 10 \
    --suppress-health-check=too_slow \
    --report junit,json,ndjson --report-dir "$dir" \
    --no-color \
    "${extra_args[@]}") >"$dir/st.log" 2>&1
  rc=$?
  set -e
  # The console output in full is in st.log; here, the failures and the summary.
  sed -n '/^=* FAILURES =*$/,$p' "$dir/st.log" | head -c 20000
  # The run is judged from its JSON report (failures, errors, and the warnings that fail the
  # operation they are about: see `_passed` in schemathesis_roles.py), not from st's exit code alone.
  if ! "$python" "$here/schemathesis_roles.py" summary "$role" "$dir" || [ "$rc" -gt 1 ]; then
    echo "$role: FAILED (schemathesis exit code $rc; details in $dir/st.log)"
    status=1
  fi
done

echo "== schemathesis${label:+ ($label)}: results (max-examples $max_examples, seed $seed)"
"$python" "$here/schemathesis_roles.py" table "$out" $roles || status=1
exit "$status"
