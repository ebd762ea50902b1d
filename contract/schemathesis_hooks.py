"""Schemathesis hooks for the DJCD API (loaded through `hooks` in the generated schemathesis.toml).

The `before_call` hook replaces values that random generation cannot produce with real ones, in
positive test cases only, so that those cases reach the operation's logic instead of stopping at a
check no generated value can pass. Negative cases are left alone.

Conditional writes: `PATCH` and `DELETE` need the record's current ETag in `If-Match` (428 without it,
412 when stale). A generated `If-Match` is schema-valid but never the current ETag, so every positive
test case would stop at the precondition and never reach the operation's logic. For positive cases
that carry an `If-Match` header, this hook reads the record first (GET on the same path, same token)
and sends its real ETag. Negative cases and cases without the header (those that test the 428) are
left alone. While the document does not declare `If-Match`, schemathesis never sends it and this part
does nothing.

Conditional moves: `POST …/status-changes` and `POST …/status-updates` honour an optional
`If-Match` with the ETag of the record they move (the path without its last segment).

Idempotency keys: a case that sends a valid `Idempotency-Key` gets a new key of its own. Generated
keys repeat across cases with other bodies, and the same key with another body is rightly a 422
(`reused`), or a 409 while the first request is still being served.

Cursors: lists page with an opaque `cursor` that only the server can issue; a positive case gets a
real `next_cursor` instead of a random string (see `_real_cursor`).

References: bodies name other records (`partner_id`, `parties`, `partners`, `domains`,
`agent_in_charge_id`, `staff`, `agreement_id`, `project_id`, `projects`) that must exist; a random UUID or code never does. In positive cases they are
replaced with real ones read from the server (see `_real_references`), so that these cases reach the
write instead of stopping at the reference check. (The config still takes 422 for them: other rules
that JSON Schema cannot say may remain broken.)

One write per record at a time: the two workers may write the same record at once, and the second
conditional write then rightly gets 412. Every write takes a lock on its record (the path, or the
record a `POST` on a sub-path acts on) from before the ETag is read until the answer is in.

Settings come from the environment set by contract/schemathesis.sh: ST_BASE_URL and ST_AUTHORIZATION
(the Authorization header of the run, empty for the run without a token).
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
import uuid

import requests

import schemathesis
from schemathesis.generation.modes import GenerationMode

_session = requests.Session()


def _survive_cpython_ast_bug() -> None:
    """Work around a CPython 3.11 bug that otherwise aborts whole operations with "Runtime Error".

    Hypothesis describes the lambdas of `.filter()` by parsing their module's source with `ast.parse`,
    which on Python 3.11.7 (the machine's) sometimes raises `SystemError: AST constructor recursion
    depth mismatch` (python/cpython#106905). The description is only used in messages, so a failure
    to build it falls back to a generic one instead of failing the test case.
    """
    try:
        from hypothesis.internal import lambda_sources
    except ImportError:
        return
    original = getattr(lambda_sources, "_lambda_description", None)
    if original is None or getattr(original, "_djcd_guarded", False):
        return

    def guarded(f, *args, **kwargs):
        try:
            return original(f, *args, **kwargs)
        except SystemError:
            return "lambda: <unknown>"

    guarded._djcd_guarded = True
    lambda_sources._lambda_description = guarded


_survive_cpython_ast_bug()


def _is_positive(case) -> bool:
    meta = getattr(case, "meta", None)
    generation = getattr(meta, "generation", None)
    return getattr(generation, "mode", None) == GenerationMode.POSITIVE


def _get(path: str, params: dict | None = None):
    base_url = os.environ.get("ST_BASE_URL", "").rstrip("/")
    if not base_url:
        return None
    headers = {"Accept": "application/json"}
    authorization = os.environ.get("ST_AUTHORIZATION", "")
    if authorization:
        headers["Authorization"] = authorization
    try:
        return _session.get(f"{base_url}{path}", params=params, headers=headers, timeout=10)
    except requests.RequestException:
        return None


def _header(case, wanted: str) -> str | None:
    """The name under which the case carries header `wanted` (any case), or None."""
    return next((key for key in (case.headers or {}) if key.lower() == wanted), None)


def _record_path(case) -> str:
    """The record a write acts on: its path, or the path a `POST` on a sub-path is under."""
    if case.method.upper() == "POST":
        return case.formatted_path.rsplit("/", 1)[0]
    return case.formatted_path


_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()
_held = threading.local()


def _lock_record(case) -> None:
    # A worker thread sends one case at a time: a lock it still holds belongs to a call that ended.
    _unlock_record()
    if case.method.upper() == "GET":
        return
    path = _record_path(case)
    with _locks_guard:
        lock = _locks.setdefault(path, threading.Lock())
    # Bounded: a lock whose release went missing (an unexpected error) delays, never blocks, the run.
    if lock.acquire(timeout=15):
        _held.lock = lock


def _unlock_record() -> None:
    lock = getattr(_held, "lock", None)
    _held.lock = None
    if lock is not None:
        lock.release()


class _Cached:
    """A value read from the server, read again after `ttl` seconds (records come and go)."""

    def __init__(self, read, ttl: float = 5.0):
        self._read, self._ttl, self._value, self._at = read, ttl, None, 0.0
        self._guard = threading.Lock()

    def get(self):
        with self._guard:
            if self._value is None or time.monotonic() - self._at > self._ttl:
                self._value, self._at = self._read(), time.monotonic()
            return self._value


def _items(path: str, params: dict | None = None) -> list:
    response = _get(path, params)
    if response is None or response.status_code != 200:
        return []
    try:
        return response.json().get("items") or []
    except ValueError:
        return []


def _me() -> dict:
    response = _get("/api/v1/auth/me")
    try:
        return response.json() if response is not None and response.status_code == 200 else {}
    except ValueError:
        return {}


# Short-lived: the director's run archives partners and domains as it goes.
_partner = _Cached(lambda: next((p["id"] for p in _items("/api/v1/partners", {"limit": 1, "sort": "name"})), None), 1)
_domains = _Cached(lambda: [d["code"] for d in _items("/api/v1/domains")], 1)
_caller = _Cached(lambda: _me(), ttl=3600)


def _funder(project_path: str) -> str | None:
    """A partner that funds the project at `project_path` (a funding line's partner must)."""
    response = _get(project_path)
    try:
        participants = response.json().get("participants", []) if response is not None and response.status_code == 200 else []
    except ValueError:
        participants = []
    return next((p["partner"]["id"] for p in participants if "funding" in p.get("roles", [])), None)


def _run_records() -> dict:
    """The records the setup created for this run (contract/schemathesis_roles.py, `_test_data`)."""
    try:
        with open(os.environ.get("ST_TEST_DATA", ""), encoding="utf-8") as file:
            return json.load(file)
    except (OSError, ValueError):
        return {}


_records = _Cached(_run_records, ttl=3600)

# Webhook endpoints must resolve to an address; generated hosts resolve nowhere, so positive cases
# register the loopback endpoint the contract server allows (WEBHOOK_ALLOW_PRIVATE=true).
_WEBHOOK_URL = "http://127.0.0.1:9/djcd-contract-hook"


def _real_references(case) -> None:
    """Replace the references of a positive case's body with records that exist."""
    if not isinstance(case.body, dict):
        return
    partner = _partner.get()
    records = _records.get()
    project = records.get("project")
    if case.method.upper() == "POST" and case.formatted_path.endswith("/funding-lines"):
        partner = _funder(_record_path(case)) or partner
    if case.method.upper() == "POST" and case.formatted_path.endswith("/pledges"):
        # A pledge's partner funds the pledged project (the run may have changed its participants).
        partner = (project and _funder(f"/api/v1/projects/{project}")) or records.get("funder") or partner
    if case.method.upper() == "POST" and case.formatted_path == "/api/v1/webhooks":
        case.body["url"] = _WEBHOOK_URL
        # The director registers an endpoint for a partner (required then); a partner system, its own.
        if _caller.get().get("role") == "director":
            case.body["partner_id"] = partner or records.get("funder")
    domains = _domains.get()
    caller = _caller.get()
    staff = caller.get("id") if caller.get("kind") == "person" else None

    def visit(value):
        if isinstance(value, list):
            for item in value:
                visit(item)
            return
        if not isinstance(value, dict):
            return
        for key, item in list(value.items()):
            if key in ("partner_id", "aegis_partner_id", "organiser_partner_id") and isinstance(item, str) and partner:
                value[key] = partner
            elif key in ("parties", "partners") and isinstance(item, list) and partner:
                value[key] = [partner for _ in item]
            elif key == "domains" and isinstance(item, list) and domains:
                value[key] = [domains[index % len(domains)] for index in range(len(item))]
            elif key == "agent_in_charge_id" and isinstance(item, str):
                value[key] = staff
            elif key == "staff" and isinstance(item, list) and staff:
                value[key] = [staff for _ in item]
            elif key == "project_id" and isinstance(item, str) and project:
                value[key] = project
            elif key == "projects" and isinstance(item, list) and project:
                value[key] = [project][: len(item)]
            elif key == "agreements" and isinstance(item, list):
                # As for `agreement_id`: an agreement's parties are checked against the rest.
                value[key] = []
            elif key == "agreement_id" and isinstance(item, str):
                # An agreement's project involves one of its partners: leave agreements out.
                value[key] = None
            else:
                visit(item)

    visit(case.body)


def _current_etag(case) -> None:
    name = _header(case, "if-match")
    if name is None:
        return
    # PATCH and DELETE change the record at their path; a POST moves the record its path is under.
    response = _get(_record_path(case))
    etag = response.headers.get("ETag") if response is not None else None
    if response is not None and response.status_code == 200 and etag:
        case.headers[name] = etag


def _drop_header_the_case_lacks(case) -> None:
    """The coverage phase's "missing `Authorization`" case still carries the run's token, which the
    command line (`-H`) merged into every case's headers: take it out, so that the case is what it
    says it is and the server's 401 is what gets checked."""
    data = getattr(getattr(getattr(case, "meta", None), "phase", None), "data", None)
    missing = str(getattr(data, "parameter", "") or "")
    if str(getattr(data, "scenario", "")).endswith("missing_parameter") and missing and case.headers:
        for name in [key for key in case.headers if key.lower() == missing.lower()]:
            del case.headers[name]


_ENTITY_TAGS = re.compile(r'\*|(W/)?"[!#-~]*"(\s*,\s*(W/)?"[!#-~]*")*')


def _declared_if_none_match(case) -> None:
    """A positive case must send an `If-None-Match` its schema allows; the generator sometimes
    labels a value that breaks the declared pattern or length as positive (a 1001-character run of
    digits, seen in the coverage phase). Such a header is taken out, so that the server's rightful
    400 is not reported as a valid request refused."""
    name = _header(case, "if-none-match")
    if name is None:
        return
    value = str(case.headers[name])
    if len(value) > 1000 or not _ENTITY_TAGS.fullmatch(value):
        del case.headers[name]


_VALID_KEY = re.compile(r"^[!-~]{1,255}$")


def _fresh_idempotency_key(case) -> None:
    """Every case whose key is a valid one gets a key of its own, negative cases too: the coverage
    phase sends the same boundary key ("!") with many bodies, which is rightly a 422 `reused` and
    hides what the case was testing. A key that is itself the invalid part is left alone."""
    name = _header(case, "idempotency-key")
    if name is not None and _VALID_KEY.match(str(case.headers[name])):
        case.headers[name] = str(uuid.uuid4())


def _real_cursor(case) -> None:
    """Lists page with an opaque `cursor`: only a `next_cursor` the server issued is valid (400 for any
    other string). Use a real one: the next_cursor of a one-item first page, or no cursor at all when
    there is a single page. A cursor is bound to the sort and the filters of the query that made it
    (another query gets a 422 `cursor_mismatch`), so it is fetched with the case's own query."""
    if case.method.upper() != "GET" or not case.query or "cursor" not in case.query:
        return
    def as_sent(value):
        # How the case itself is sent: arrays comma-separated (explode false), booleans in lower case.
        if isinstance(value, list):
            return ",".join(as_sent(item) for item in value)
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    params = {
        name: as_sent(value) for name, value in case.query.items() if name not in ("cursor", "limit") and value is not None
    }
    params["limit"] = 1
    response = _get(case.formatted_path, params)
    cursor = None
    if response is not None and response.status_code == 200:
        try:
            cursor = response.json().get("next_cursor")
        except ValueError:
            cursor = None
    if cursor:
        case.query["cursor"] = cursor
    else:
        del case.query["cursor"]


@schemathesis.hook
def before_call(context, case, **kwargs):
    _lock_record(case)
    _drop_header_the_case_lacks(case)
    _fresh_idempotency_key(case)
    if not _is_positive(case):
        return
    _declared_if_none_match(case)
    _current_etag(case)
    _real_cursor(case)
    _real_references(case)


@schemathesis.hook
def after_call(context, case, response):
    _unlock_record()


@schemathesis.hook
def after_network_error(context, case, request):
    _unlock_record()
