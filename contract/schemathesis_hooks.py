"""Schemathesis hooks for the DJCD API (loaded through `hooks` in the generated schemathesis.toml).

Conditional writes: `PATCH` and `DELETE` need the record's current ETag in `If-Match` (428 without it,
412 when stale). A generated `If-Match` is schema-valid but never the current ETag, so every positive
test case would stop at the precondition and never reach the operation's logic. For positive cases
that carry an `If-Match` header, this hook reads the record first (GET on the same path, same token)
and sends its real ETag. Negative cases and cases without the header (those that test the 428) are
left alone. While the document does not declare `If-Match`, schemathesis never sends it and this hook
does nothing.

Settings come from the environment set by contract/schemathesis.sh: ST_BASE_URL and ST_AUTHORIZATION
(the Authorization header of the run, empty for the run without a token).
"""

from __future__ import annotations

import os

import requests

import schemathesis
from schemathesis.generation.modes import GenerationMode

_session = requests.Session()


def _is_positive(case) -> bool:
    meta = getattr(case, "meta", None)
    generation = getattr(meta, "generation", None)
    return getattr(generation, "mode", None) == GenerationMode.POSITIVE


@schemathesis.hook
def before_call(context, case, **kwargs):
    if case.method.upper() not in ("PATCH", "DELETE") or not case.headers:
        return
    name = next((key for key in case.headers if key.lower() == "if-match"), None)
    if name is None or not _is_positive(case):
        return
    base_url = os.environ.get("ST_BASE_URL", "").rstrip("/")
    if not base_url:
        return
    headers = {"Accept": "application/json"}
    authorization = os.environ.get("ST_AUTHORIZATION", "")
    if authorization:
        headers["Authorization"] = authorization
    try:
        response = _session.get(f"{base_url}{case.formatted_path}", headers=headers, timeout=10)
    except requests.RequestException:
        return
    etag = response.headers.get("ETag")
    if response.status_code == 200 and etag:
        case.headers[name] = etag
