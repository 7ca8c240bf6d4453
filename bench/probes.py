"""Checks run on every configuration before any timing; a failure stops the run.

- ``probe``: what the API answers on the loaded data — the effective control ids and names, the
  verdicts for a clean and a dirty input, that a registration with changed steps is applied and
  stored (the write workload really writes), and, with the cache-busting data, each sampled
  tenant's control names and clean verdict. ``compare`` requires every configuration to answer the
  same as the reference (or as each other when the reference does not run) and the verdicts to be
  the expected ones.
- ``check_serving``: the database side of a configuration — the app role is neither superuser nor
  BYPASSRLS, row-level security is forced on the tenant tables (or absent with it off), and the
  server's own sessions run as the role the configuration states.
- ``check_auth``: in api_key mode, a request without the key is refused with 401.
"""

import httpx

from . import dataset
from .dataset import AGENT, client, ok
from .environment import APP_ROLE, role_attributes, row_security, sessions

CONTROLS_QUERY = {"rendered_state": "rendered", "enabled_state": "enabled"}


def _names(http: httpx.Client, agent: str) -> list[str]:
    controls = ok(http.get(f"/agents/{agent}/controls", params=CONTROLS_QUERY))["controls"]
    return [control["name"] for control in controls]


def probe(base_url: str, headers: dict[str, str], server: str, *, bust: bool) -> dict:
    """The answers ``compare`` checks (see the module docstring)."""
    writer = dataset.writer_agent(0)
    with client(base_url, headers) as http:
        controls = ok(http.get(f"/agents/{AGENT}/controls", params=CONTROLS_QUERY))["controls"]
        clean = ok(http.post("/evaluation", json=dataset.evaluation_body(dataset.CLEAN_INPUT)))
        dirty = ok(http.post("/evaluation", json=dataset.evaluation_body(dataset.DIRTY_INPUT)))
        ok(http.post("/agents/initAgent", json=dataset.init_agent_body(writer, token="probe-a")))
        write = ok(
            http.post("/agents/initAgent", json=dataset.init_agent_body(writer, token="probe-b"))
        )
        stored = ok(http.get(f"/agents/{writer}"))
    result = {
        "control_ids": [control["id"] for control in controls],
        "control_names": [control["name"] for control in controls],
        "clean_is_safe": clean["is_safe"],
        "clean_non_matches": len(clean["non_matches"] or []),
        "dirty_is_safe": dirty["is_safe"],
        "dirty_matches": sorted(match["control_name"] for match in dirty["matches"] or []),
        "write_applied": write["overwrite_applied"],
        "write_stored_steps": sorted(step["name"] for step in stored["steps"]),
    }
    if bust:
        for index in dataset.sample_bust_tenants():
            agent = dataset.bust_agent(index)
            with client(base_url, dataset.bust_headers(headers, server, index)) as http:
                names = _names(http, agent)
                verdict = ok(http.post("/evaluation", json=dataset.evaluation_body(agent=agent)))
            result[f"bust_{index}"] = {"controls": names, "clean_is_safe": verdict["is_safe"]}
    return result


EXPECTED = {
    "clean_is_safe": True,
    "clean_non_matches": dataset.CONTROLS_PER_AGENT,
    "dirty_is_safe": False,
    "dirty_matches": ["bench-ctl-00"],
    "write_applied": True,
}


def compare(probes: dict[str, dict]) -> list[str]:
    """Problems found: a verdict other than ``EXPECTED``, a sampled tenant without its 10 controls
    or not safe on clean input, or an answer differing from the reference's (else the first's)."""
    problems = []
    baseline_name = "reference" if "reference" in probes else next(iter(probes))
    baseline = probes[baseline_name]
    for name, answers in probes.items():
        for key, expected in EXPECTED.items():
            if answers[key] != expected:
                problems.append(f"{name}: {key} is {answers[key]!r}, expected {expected!r}")
        if "summarize-probe-b" not in answers["write_stored_steps"]:
            problems.append(
                f"{name}: the changed steps were not stored: {answers['write_stored_steps']}"
            )
        for key, value in answers.items():
            if key.startswith("bust_") and (
                len(value["controls"]) != dataset.CONTROLS_PER_AGENT or not value["clean_is_safe"]
            ):
                problems.append(f"{name}: {key} answered {value}")
            if key in baseline and baseline[key] != value:
                problems.append(
                    f"{name}: {key} {value!r} differs from {baseline_name}'s {baseline[key]!r}"
                )
    return problems


def check_serving(name: str, database: str, *, app_role: bool, rls_setting: bool) -> list[str]:
    """Problems with the database side of configuration ``name`` (see the module docstring)."""
    problems = []
    users = set(sessions([database])[database]["open"])  # before this check's own session
    if app_role and users - {APP_ROLE}:
        problems.append(
            f"{name}: sessions on {database} run as {sorted(users)}, not only {APP_ROLE}"
        )
    if not app_role and APP_ROLE in users:
        problems.append(f"{name}: sessions on {database} run as {APP_ROLE}")
    if app_role:
        attributes = role_attributes(APP_ROLE)
        if attributes != {"superuser": False, "bypassrls": False}:
            problems.append(
                f"{name}: role {APP_ROLE} is {attributes}, row-level security would not hold it"
            )
    security = row_security(database)
    if rls_setting and (security["forced_tables"] == 0 or security["policies"] == 0):
        problems.append(f"{name}: row-level security is not installed on {database}: {security}")
    if not rls_setting and security["policies"]:
        problems.append(f"{name}: {security['policies']} row-level security policies on {database}")
    return problems


def check_auth(name: str, base_url: str) -> list[str]:
    """In api_key mode the API must refuse a request without a key."""
    response = httpx.get(f"{base_url}{dataset.API}/agents/{AGENT}/controls", timeout=10)
    if response.status_code != 401:
        return [f"{name}: a request without X-API-Key answered {response.status_code}, not 401"]
    return []
