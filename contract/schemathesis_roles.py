#!/usr/bin/env python3
"""Accounts, tokens and per-role configuration for contract/schemathesis.sh (standard library only).

  schemathesis_roles.py setup ROLE OUTDIR   create an account of ROLE, get its token, write
                                            OUTDIR/authorization and OUTDIR/schemathesis.toml
  schemathesis_roles.py summary ROLE OUTDIR print one role's result from its JSON report
  schemathesis_roles.py table OUTROOT ROLE... print the result of every role; exit 1 if one failed

ROLE is one of: anonymous (no token), partner (a machine account, client credentials), agent,
division_head, director. Settings come from the environment: BASE_URL, and the bootstrap director
that creates the accounts, BOOTSTRAP_DIRECTOR_EMAIL / BOOTSTRAP_DIRECTOR_PASSWORD.

Every run gets an account of its own, created just before it: a run may deactivate accounts, reset
their passwords or rotate machine secrets (that is what the API is for), and must not pull the
ground from under the next one. For the same reason the director's run comes last.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROLES = ("anonymous", "partner", "agent", "division_head", "director")

# Operations where 401 is the right answer to generated data: they check a credential that is in the
# request itself (e-mail and password, refresh token, client secret, current password), which random
# data never matches. "Authentication failed" says nothing about the run's token there, so it does not
# fail the run. (Their success path is covered by the setup below and by the Rust tests.)
CREDENTIAL_CHECKS = {"login", "refresh_session", "issue_client_token", "change_password"}

# Operations whose bodies obey rules that JSON Schema cannot say: a reference to a record that must
# exist, a rule between two fields that compares values, a rule on the record's current values, a list
# of forbidden values too long to be worth a schema. A schema-valid body may break them, and the
# server's 422 naming the rule is then the right answer, so positive_data_acceptance takes 422 for
# these operations (and only for them). Every other rule of these bodies is in the document, and
# negative data is still checked. (Schemathesis fills ids and codes from earlier answers, so many
# of their positive cases do pass these rules and reach the write.)
UNEXPRESSED_RULES = {
    "create_partner": "`domains` must name existing, unarchived domains",
    "update_partner": "`domains` must name existing, unarchived domains; the latitude/longitude pair is "
    "judged with the partner's current coordinates",
    "create_agreement": "`parties`, `aegis_partner_id`, `agent_in_charge_id` and `domains` must name existing "
    "records, the agent in charge being of the agreement's division; `signed_year` must be the year of `signed_on`; `ends_on` may not precede `effective_on`, nor a "
    "city role's `to_year` its `from_year`",
    "update_agreement": "references must name existing records; dates and years are compared, with the "
    "agreement's current values",
    "create_project": "`participants`, `agreement_id`, `agent_in_charge_id` and `domains` must name existing "
    "records, the agent in charge must be of the project's division, and a project under an agreement involves "
    "one of its partners; an end may not precede its start",
    "update_project": "references must name existing records, a new agent in charge must be of the project's "
    "division; dates are compared, with the project's current values",
    "create_funding_line": "`partner_id` must take part in the project with the `funding` role; a closed or "
    "cancelled project takes no new line",
    "update_funding_line": "an `amount` sent alone is checked against the line's stored currency, and a "
    "`currency` sent alone against its stored amount",
    "create_machine_account": "`partner_id` must name an existing, unarchived partner",
    "create_user": "the password may not be one of the most common passwords",
    "create_webhook": "the director's `partner_id` must name an existing, unarchived partner (the run archives "
    "partners as it goes)",
    "create_pledge": "only a round-table event takes pledges (the event's kind is the record's)",
    "create_event": "`partners`, `projects`, `agreements`, `staff` and `organiser_partner_id` must name existing "
    "records; `ends_on` may not precede `starts_on`",
    "update_event": "references must name existing records; `ends_on` may not precede `starts_on`",
}

# Test cases per operation in the fuzzing phase where the role may not call the operation.
FORBIDDEN_EXAMPLES = 5


def _max_examples() -> int:
    """Test cases per operation and phase (ST_MAX_EXAMPLES, see schemathesis.sh)."""
    return int(os.environ.get("ST_MAX_EXAMPLES", "15"))


# Warnings that mean the tests never reached the operation's logic; they fail the run.
FAIL_ON = ["missing_auth", "missing_test_data", "validation_mismatch"]
# The warnings schemathesis shows by default (all but the opt-in low_valid_rate). Where a role may not
# call an operation, missing_auth is left out: "authentication failed" is then the expected answer.
DISPLAY = [
    "missing_auth",
    "missing_test_data",
    "base_url_mismatch",
    "validation_mismatch",
    "missing_deserializer",
    "unused_openapi_auth",
    "unsupported_regex",
    "method_not_allowed",
    "constants_extraction",
    "unmatched_filter",
    "unresolvable_reference",
    "rate_limited",
    "dictionary_mismatch",
    "timeout_units",
]


def _request(method: str, path: str, *, token: str | None = None, json_body=None, form=None):
    base = os.environ["BASE_URL"].rstrip("/")
    headers = {"Accept": "application/json"}
    data = None
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"{base}{path}", data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return error.code, json.loads(body)
        except ValueError:
            return error.code, body.decode(errors="replace")


def _expect(status: int, body, wanted: int, what: str):
    if status != wanted:
        sys.exit(f"schemathesis setup: {what} answered {status}, expected {wanted}: {body}")
    return body


def _login(email: str, password: str) -> str:
    status, body = _request("POST", "/api/v1/auth/login", json_body={"email": email, "password": password})
    return _expect(status, body, 200, f"login of {email}")["access_token"]


def _password() -> str:
    return f"Ctr-{secrets.token_urlsafe(18)}"


_run_partner: str | None = None


def _some_partner(director: str) -> str:
    """A partner created for this run: the machine account of the partner run acts for it, and the
    run's project involves it. (The earlier runs may have archived every partner of the seed: that
    is what the API is for.)"""
    global _run_partner
    if _run_partner is None:
        body = {"name": f"Contract tests partner {secrets.token_hex(4)}", "kind": "city", "country": "ML"}
        created = _expect(*_request("POST", "/api/v1/partners", token=director, json_body=body), 201, "POST /api/v1/partners")
        _run_partner = created["id"]
    return _run_partner


def _token_for(role: str) -> str | None:
    if role == "anonymous":
        return None
    director = _director()
    _seed_example_login(director)
    suffix = secrets.token_hex(4)
    if role == "partner":
        body = _expect(
            *_request(
                "POST",
                "/api/v1/machine-accounts",
                token=director,
                json_body={"partner_id": _some_partner(director), "name": f"Contract tests {suffix}"},
            ),
            201,
            "POST /api/v1/machine-accounts",
        )
        status, token = _request(
            "POST",
            "/api/v1/auth/token",
            form={"grant_type": "client_credentials", "client_id": body["client_id"], "client_secret": body["client_secret"]},
        )
        return _expect(status, token, 200, "POST /api/v1/auth/token")["access_token"]
    password = _password()
    email = f"contract-{role.replace('_', '-')}-{suffix}@djcd.test"
    account = {"email": email, "full_name": f"Contract {role} {suffix}", "role": role, "password": password}
    if role in ("agent", "division_head"):
        account["division"] = "twinning"
    _expect(*_request("POST", "/api/v1/users", token=director, json_body=account), 201, f"POST /api/v1/users ({role})")
    return _login(email, password)


def _seed_example_login(director: str) -> None:
    """Create the account of LoginRequest's example, so that the examples phase signs in for real.

    It is an agent: its password is printed in the document.
    """
    status, document = _request("GET", "/api-docs/openapi.json")
    example = (document.get("components", {}).get("schemas", {}).get("LoginRequest", {}) or {}).get("example") or {}
    if not example.get("email") or not example.get("password"):
        return
    account = {
        "email": example["email"],
        "full_name": "Example login",
        "role": "agent",
        "division": "twinning",
        "password": example["password"],
    }
    status, body = _request("POST", "/api/v1/users", token=director, json_body=account)
    if status not in (201, 409):
        print(f"note: could not create the login example's account ({status}: {body})", file=sys.stderr)


def _toml_list(values) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def _config(role: str, test_data: dict[str, dict[str, str]]) -> tuple[str, dict[str, list[str]]]:
    """The schemathesis.toml of a role's run, and the warnings that fail each operation whose list
    differs from FAIL_ON (for `summary`)."""
    status, document = _request("GET", "/api-docs/openapi.json")
    _expect(status, document, 200, "GET /api-docs/openapi.json")
    lines = [
        f'# Generated by contract/schemathesis_roles.py for the "{role}" run; do not edit.',
        f"hooks = {json.dumps(str(HERE / 'schemathesis_hooks.py'))}",
        "",
        "[auth]",
        "# The run's token is given with -H (none for the anonymous run): no automatic sign-up/login.",
        "auto-signup = false",
        "",
        "[cache]",
        "enabled = false",
        "",
        "[checks]",
        "# Every check, as `--checks all` would; set here so that an operation's own `checks` below can",
        "# still turn one off (the command line would override it).",
        "enabled = true",
        "",
        "[generation]",
        '# No example database between runs: CI runs are reproducible from the seed alone.',
        'database = "none"',
        f"max-examples = {_max_examples()}",
        "",
        "[warnings]",
        f"fail-on = {_toml_list(FAIL_ON)}",
    ]
    # DELETE never destroys: it archives (partners, agreements, projects, funding lines, domains) or
    # deactivates (accounts); the record stays readable.
    deleting = sorted(path for path, item in document.get("paths", {}).items() if "delete" in item)
    fail_on_by_label: dict[str, list[str]] = {}
    for path, item in sorted(document.get("paths", {}).items()):
        for method, operation in sorted(item.items()):
            if method not in ("get", "put", "post", "patch", "delete") or not isinstance(operation, dict):
                continue
            operation_id = operation.get("operationId")
            public = operation.get("security") == []
            roles = (operation.get("x-permission") or {}).get("roles", [])
            allowed = public or (role != "anonymous" and role in roles)
            notes = []
            fail_on = list(FAIL_ON)
            phases = []
            if not allowed or operation_id in CREDENTIAL_CHECKS:
                fail_on.remove("missing_auth")
                notes.append(
                    f"{role} may not call it: 401/403 is the expected answer"
                    if not allowed
                    else "it checks a credential carried in the request: 401 is the answer to generated data"
                )
            generation = []
            if not allowed:
                # The refusal comes before the input is read, so boundary values teach nothing here
                # and a few random inputs say as much as many; the examples and these still check
                # that every input is refused.
                notes.append(
                    f"no coverage phase and {FORBIDDEN_EXAMPLES} fuzzed cases: the answer does not depend on the input"
                )
                phases.append("coverage = { enabled = false }")
                generation.append(f"max-examples = {min(FORBIDDEN_EXAMPLES, _max_examples())}")
            checks = []
            positive = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
            negative = ["400", "401", "403", "404", "405", "406", "409", "415", "422", "428", "429", "5xx"]
            conditional = any(p.get("name") == "If-Match" for p in operation.get("parameters", []))
            if conditional:
                notes.append(
                    "conditional write: 412 when a concurrent run changed the record between the hook's "
                    "GET and the write"
                    + ("; 428 (RFC 6585) when If-Match is missing" if method in ("put", "patch", "delete") else "")
                )
                positive.append("412")
                # An If-Match that is not a valid entity-tag can never match: 412 is the answer RFC 9110
                # §13.1.1 prescribes, so it counts as a rejection of invalid data.
                negative.append("412")
                if method in ("put", "patch", "delete"):
                    checks.append('missing_required_header = { expected-statuses = ["400", "401", "403", "406", "415", "422", "428"] }')
            if operation_id in UNEXPRESSED_RULES:
                notes.append(
                    f"422 for a schema-valid body that breaks a rule JSON Schema cannot say: "
                    f"{UNEXPRESSED_RULES[operation_id]}; that 422 is the operation's logic at work, not a validation "
                    "mismatch (a phase whose few positive cases all break such a rule must not fail the run)"
                )
                positive.append("422")
                fail_on.remove("validation_mismatch")
            if conditional or operation_id in UNEXPRESSED_RULES:
                checks.append(f"positive_data_acceptance = {{ expected-statuses = {_toml_list(sorted(positive))} }}")
            if conditional:
                checks.append(f"negative_data_rejection = {{ expected-statuses = {_toml_list(sorted(negative))} }}")
            archived_by = next((p for p in deleting if path == p or path.startswith(p + "/")), None)
            if archived_by is not None and method != "delete":
                # ST301 "Deleted resource still available" expects a 404 after a DELETE.
                notes.append(
                    f"DELETE {archived_by} archives or deactivates: records are never destroyed, and reading one "
                    "afterwards answers 200 with `archived: true` (or `is_active: false`), so use_after_free is off"
                )
                checks.append("use_after_free = { enabled = false }")
            parameters = test_data.get(operation_id, {})
            if parameters:
                notes.append(
                    "its ids are records created for this run (see _test_data)"
                )
            if fail_on != FAIL_ON:
                fail_on_by_label[f"{method.upper()} {path}"] = fail_on
            if fail_on == FAIL_ON and not checks and not parameters and not phases and not generation:
                continue
            lines += ["", f"# {method.upper()} {path}: " + "; ".join(notes), "[[operations]]"]
            lines.append(f"include-operation-id = {json.dumps(operation_id)}")
            # A warning that does not fail this operation's run is not shown either: the reason is here.
            display = [w for w in DISPLAY if w in fail_on or w not in FAIL_ON]
            lines.append(f"warnings = {{ display = {_toml_list(display)}, fail-on = {_toml_list(fail_on)} }}")
            if checks:
                lines.append("checks = { " + ", ".join(checks) + " }")
            if phases:
                lines.append("phases = { " + ", ".join(phases) + " }")
            if generation:
                lines.append("generation = { " + ", ".join(generation) + " }")
            if parameters:
                lines.append("parameters = { " + ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in parameters.items()) + " }")
    return "\n".join(lines) + "\n", fail_on_by_label


# Operations on a machine account by id. Users and machine accounts share the AccountResponse schema,
# so schemathesis fills `{id}` with people's ids from other answers and only ever gets 404 ("missing
# test data"). For the director's run, each of these operations gets a machine account of its own,
# created by the setup (the delete must not take the others' account away).
MACHINE_ACCOUNT_OPERATIONS = ("get_machine_account", "rotate_machine_secret", "deactivate_machine_account")


# Operations on a person's account by id that the director's run calls with an account created for
# it: schemathesis finds no operation whose answer it links to `{id}` there, and resetting the
# password of the accounts the other runs use would pull the ground from under them.
PERSON_OPERATIONS = ("reset_user_password",)


def _project_operations() -> list[str]:
    """The operations on one project (`…/projects/{id}…`): schemathesis seldom links the project
    lists' ids to them, so they get the project the setup creates for the run."""
    status, document = _request("GET", "/api-docs/openapi.json")
    _expect(status, document, 200, "GET /api-docs/openapi.json")
    return [
        operation["operationId"]
        for path, item in document.get("paths", {}).items()
        if "/projects/{id}" in path
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    ]


def _director() -> str:
    return _login(
        os.environ.get("BOOTSTRAP_DIRECTOR_EMAIL", "director@djcd.test"),
        os.environ.get("BOOTSTRAP_DIRECTOR_PASSWORD", "Bamako-Leipzig-1966!"),
    )


def _seed_project(director: str, role: str) -> str:
    """A project of the Twinning division (the run's accounts' division) with a funding line.

    The seed portfolio has partners and agreements but no projects, and random bodies seldom make a
    valid one (its partners, domains and agreement must exist), so without this the operations on a
    project or a funding line would only ever see 404. Schemathesis takes the ids from the lists.
    """
    status, domains = _request("GET", "/api/v1/domains", token=director)
    domain = _expect(status, domains, 200, "GET /api/v1/domains")["items"][0]["code"]
    partner = _some_partner(director)
    project = _expect(
        *_request(
            "POST",
            "/api/v1/projects",
            token=director,
            json_body={
                "title": f"Contract tests ({role})",
                "division": "twinning",
                "domains": [domain],
                "communes": ["district"],
                "participants": [{"partner_id": partner, "roles": ["funding", "implementing"]}],
                "budget": {"amount": "1500000", "currency": "XOF"},
            },
        ),
        201,
        "POST /api/v1/projects",
    )
    _expect(
        *_request(
            "POST",
            f"/api/v1/projects/{project['id']}/funding-lines",
            token=director,
            json_body={"partner_id": partner, "kind": "commitment", "amount": "1500.50", "currency": "EUR",
                       "transaction_date": "2026-03-01"},
        ),
        201,
        "POST /api/v1/projects/{id}/funding-lines",
    )
    return project["id"]


# Operations on a webhook by id (director and partner runs). Schemathesis only learns a webhook's id
# from a create that succeeds, and the generated URLs resolve nowhere; the setup registers endpoints on
# loopback (the contract server runs with WEBHOOK_ALLOW_PRIVATE=true) and waits for a delivery, so
# that the log and the redelivery have something to show. The delete gets an endpoint of its own.
WEBHOOK_OPERATIONS = ("get_webhook", "list_webhook_deliveries", "redeliver_webhook")
WEBHOOK_URL = "http://127.0.0.1:9/djcd-contract-hook"

# Operations on an event by id (staff runs): a round table, so that it takes pledges. The archive gets
# an event of its own.
EVENT_OPERATIONS = ("get_event", "update_event", "create_pledge")
EVALUATION_OPERATIONS = ("get_evaluation", "update_evaluation")


def _create_webhook(token: str, role: str, partner: str) -> str:
    body = {"url": WEBHOOK_URL, "events": ["project.created", "project.updated", "project.status_changed",
                                           "project.funding_line_added"]}
    if role == "director":
        body["partner_id"] = partner
    return _expect(*_request("POST", "/api/v1/webhooks", token=token, json_body=body), 201, "POST /api/v1/webhooks")["webhook"]["id"]


def _first_delivery(token: str, webhook: str, director: str, project: str) -> str | None:
    """Make the project change and wait for the worker to queue its delivery to `webhook`."""
    _expect(
        *_request("POST", f"/api/v1/projects/{project}/status-updates", token=director,
                  json_body={"progress": 5, "note": "Contract tests: a change for the webhook"}),
        201,
        "POST /api/v1/projects/{id}/status-updates",
    )
    for _ in range(100):
        status, body = _request("GET", f"/api/v1/webhooks/{webhook}/deliveries", token=token)
        items = (body or {}).get("items") if status == 200 and isinstance(body, dict) else None
        if items:
            return items[0]["id"]
        time.sleep(0.2)
    print(f"note: no delivery was queued for webhook {webhook} within 20 s", file=sys.stderr)
    return None


def _create_round_table(director: str, partner: str, project: str, title: str) -> str:
    # Of the Twinning division, the run's staff accounts' own: they may write it (events follow the
    # division rule).
    body = {"kind": "round_table", "title": title, "starts_on": "2027-03-15", "ends_on": "2027-03-16",
            "place": "Hôtel de ville, Bamako", "partners": [partner], "projects": [project], "division": "twinning"}
    return _expect(*_request("POST", "/api/v1/events", token=director, json_body=body), 201, "POST /api/v1/events")["id"]


def _create_evaluation(director: str, label: str) -> str | None:
    # Of a Twinning agreement, the run's staff accounts' division: they may write it. Without a
    # fixed one, `PATCH /evaluations/{id}` reaches a real evaluation only through stateful links,
    # and a run whose links miss it sees only 404s (schemathesis: missing_test_data). Earlier runs
    # may have moved or archived agreements: the first live one that takes an evaluation serves.
    agreements = _expect(
        *_request("GET", "/api/v1/agreements?division=twinning&limit=50", token=director),
        200,
        "GET /api/v1/agreements",
    )["items"]
    body = {"evaluated_on": "2026-11-20", "evaluators": [f"Contract ({label})"], "vitality": "weak",
            "scores": {"activity": 2, "results": 2, "financing": 1, "responsiveness": 3},
            "findings": "Aucun projet commun depuis 2019.", "recommendations": "Relancer par une mission.",
            "priority_actions": ["Mission en 2027"]}
    for agreement in agreements:
        status, answer = _request("POST", f"/api/v1/agreements/{agreement['id']}/evaluations", token=director,
                                  json_body=body)
        if status == 201 and isinstance(answer, dict):
            return answer["id"]
    return None


def _test_data(role: str, token: str | None) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Records the run needs: fixed parameter values per operation id, and the references the hooks
    put in positive bodies (`project`, its `funder`), all created for this run."""
    if role == "anonymous":
        return {}, {}
    director = _director()
    # The partner's machine account acts for the same partner: it takes part in the project.
    project = _seed_project(director, role)
    partner = _some_partner(director)
    references = {"project": project, "funder": partner}
    values = {operation_id: {"path.id": project} for operation_id in _project_operations()}
    # The archive must not take the project away from the other operations of the run, nor the
    # status updates close it (a closed project takes no funding line or pledge).
    values["archive_project"] = {"path.id": _seed_project(director, f"{role}, archived by the run")}
    values["create_status_update"] = {"path.id": _seed_project(director, f"{role}, moved by the run")}
    if role in ("director", "partner") and token:
        webhook = _create_webhook(token, role, partner)
        for operation_id in WEBHOOK_OPERATIONS:
            values[operation_id] = {"path.id": webhook}
        delivery = _first_delivery(token, webhook, director, project)
        if delivery:
            values["redeliver_webhook"]["path.delivery_id"] = delivery
        values["delete_webhook"] = {"path.id": _create_webhook(token, role, partner)}
    if role in ("director", "division_head", "agent"):
        event = _create_round_table(director, partner, project, f"Table ronde des PTF ({role})")
        for operation_id in EVENT_OPERATIONS:
            values[operation_id] = {"path.id": event}
        values["archive_event"] = {"path.id": _create_round_table(director, partner, project, f"Archivée ({role})")}
        evaluation = _create_evaluation(director, role)
        if evaluation:
            for operation_id in EVALUATION_OPERATIONS:
                values[operation_id] = {"path.id": evaluation}
        signed_off = _create_evaluation(director, f"{role}, signed off by the run")
        if signed_off:
            values["sign_off_evaluation"] = {"path.id": signed_off}
    if role != "director":
        return values, references
    for operation_id in PERSON_OPERATIONS:
        email = f"contract-{operation_id.replace('_', '-')}-{secrets.token_hex(4)}@djcd.test"
        body = _expect(
            *_request(
                "POST",
                "/api/v1/users",
                token=director,
                json_body={"email": email, "full_name": f"Contract data for {operation_id}", "role": "agent",
                           "division": "twinning", "password": _password()},
            ),
            201,
            "POST /api/v1/users",
        )
        values[operation_id] = {"path.id": body["account"]["id"]}
    for operation_id in MACHINE_ACCOUNT_OPERATIONS:
        body = _expect(
            *_request(
                "POST",
                "/api/v1/machine-accounts",
                token=director,
                json_body={"partner_id": _some_partner(director), "name": f"Contract data for {operation_id}"},
            ),
            201,
            "POST /api/v1/machine-accounts",
        )
        values[operation_id] = {"path.id": body["account"]["id"]}
    return values, references


def setup(role: str, outdir: Path) -> None:
    if role not in ROLES:
        sys.exit(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    outdir.mkdir(parents=True, exist_ok=True)
    token = _token_for(role)
    (outdir / "authorization").write_text(f"Bearer {token}" if token else "")
    values, references = _test_data(role, token)
    (outdir / "test-data.json").write_text(json.dumps(references))
    config, fail_on_by_label = _config(role, values)
    (outdir / "schemathesis.toml").write_text(config)
    (outdir / "fail-on.json").write_text(json.dumps(fail_on_by_label, indent=1, sort_keys=True))


def _result(outdir: Path) -> dict | None:
    reports = sorted(outdir.glob("json-*.json")) + sorted((outdir / "report").glob("*.json"))
    if not reports:
        return None
    return json.loads(reports[-1].read_text())


def _labels(value) -> list[str]:
    """The operations a warning of the JSON report names (a list, or lists by status code)."""
    if isinstance(value, dict):
        return sorted({label for labels in value.values() for label in _labels(labels)})
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _warnings(report: dict, outdir: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The report's warnings split into those that fail the run and those the config tolerates for
    the operation (its reason is in schemathesis.toml)."""
    path = outdir / "fail-on.json"
    fail_on_by_label = json.loads(path.read_text()) if path.exists() else {}
    failing: dict[str, list[str]] = {}
    tolerated: dict[str, list[str]] = {}
    for name, value in (report.get("warnings") or {}).items():
        labels = _labels(value) if value else []
        if value and not labels:
            failing[name] = []
        for label in labels:
            target = failing if name in fail_on_by_label.get(label, FAIL_ON) else tolerated
            target.setdefault(name, []).append(label)
    return failing, tolerated


def summary(role: str, outdir: Path) -> int:
    report = _result(outdir)
    if report is None:
        print(f"{role}: no report (schemathesis did not run to the end)")
        return 1
    cases = report.get("test_cases", {})
    failures = report.get("failures", [])
    warnings, tolerated = _warnings(report, outdir)
    print(
        f"{role}: {cases.get('generated', 0)} test cases, {len(failures)} kinds of failure, "
        f"{sum(f.get('count', 0) for f in failures)} failures, {len(report.get('errors') or [])} errors, "
        f"failing warnings: {', '.join(sorted(warnings)) or 'none'}; exit code {report.get('exit_code')}"
    )
    for failure in failures:
        operations = ", ".join(failure.get("operations", []))
        print(f"  {failure.get('code')} {failure.get('title')} x{failure.get('count')}: {operations}")
    for error in report.get("errors") or []:
        print(f"  error: {json.dumps(error)[:300]}")
    for name, value in sorted(warnings.items()):
        print(f"  warning {name}: {json.dumps(value)[:400]}")
    for name, value in sorted(tolerated.items()):
        print(f"  (tolerated for these operations, see schemathesis.toml: {name}: {json.dumps(value)[:300]})")
    return 0 if _passed(report, outdir) else 1


def _passed(report: dict, outdir: Path) -> bool:
    """No failure, no error and no warning that fails the operation it is about. schemathesis 4.32's
    own exit code is 1 on any warning of the global `fail-on` list, even for an operation whose
    `[[operations]]` entry leaves that warning out (the config's per-operation `warnings` changes
    what is displayed, not the exit code), so the run is judged here, from its JSON report; any
    other non-zero exit (an internal error, an interrupted run) still fails it."""
    failing, _ = _warnings(report, outdir)
    return (
        report.get("exit_code") in (0, 1)
        and not report.get("failures")
        and not report.get("errors")
        and not failing
    )


def table(outroot: Path, roles: list[str]) -> int:
    failed = 0
    print("role            test cases  failures  errors  warnings  waived  result")
    for role in roles:
        report = _result(outroot / role)
        if report is None:
            print(f"{role:<15} {'-':>10}  {'-':>8}  {'-':>6}  {'-':>8}  {'-':>6}  FAILED (no report)")
            failed += 1
            continue
        ok = _passed(report, outroot / role)
        failed += not ok
        warnings, waived = _warnings(report, outroot / role)
        print(
            f"{role:<15} {report.get('test_cases', {}).get('generated', 0):>10}  "
            f"{sum(f.get('count', 0) for f in report.get('failures', [])):>8}  {len(report.get('errors') or []):>6}  "
            f"{sum(len(v) for v in warnings.values()):>8}  {sum(len(v) for v in waived.values()):>6}  "
            f"{'passed' if ok else 'FAILED'}"
        )
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[0] == "setup":
        setup(argv[1], Path(argv[2]))
        return 0
    if len(argv) >= 3 and argv[0] == "summary":
        return summary(argv[1], Path(argv[2]))
    if len(argv) >= 2 and argv[0] == "table":
        return table(Path(argv[1]), argv[2:] or list(ROLES))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
