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
- ``check_limits``: with rate limits on, the limiter really runs: the run's Redis keys exist,
  ``/metrics`` counted the requests and no Redis failure (the limiter fails open, so a failing
  Redis would go unnoticed otherwise). Run before and after the timed runs.
"""

import httpx
from prometheus_client.parser import text_string_to_metric_families

from . import dataset
from .dataset import AGENT, client, ok
from .environment import APP_ROLE, redis_keys, role_attributes, row_security, sessions

#: The metric families' prefix (``CONTROLPLANE_METRICS_PREFIX`` unset: the reference's).
METRICS_PREFIX = "agent_control_server"
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


def _metric_sum(text: str, name: str) -> float:
    """The sum of the samples of ``<METRICS_PREFIX>_<name>`` (every label set)."""
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == f"{METRICS_PREFIX}_{name}"
    )


def check_limits(name: str, base_url: str, headers: dict[str, str], prefix: str) -> list[str]:
    """With rate limits on, a request must leave its window in Redis (one-second windows expire
    a second later, so right after it) and ``/metrics`` count requests and no Redis failure."""
    problems = []
    with client(base_url, headers) as http:
        ok(http.get(f"/agents/{AGENT}/controls", params=CONTROLS_QUERY))
    if not redis_keys(prefix):
        problems.append(f"{name}: no rate limit window under {prefix}* in Redis")
    response = httpx.get(f"{base_url}/metrics", timeout=10)
    if response.status_code != 200:
        return [*problems, f"{name}: GET /metrics answered {response.status_code}"]
    if _metric_sum(response.text, "rate_limit_backend_errors_total"):
        problems.append(f"{name}: the rate limiter counted Redis errors (it failed open)")
    if not _metric_sum(response.text, "requests_total"):
        problems.append(f"{name}: /metrics counted no request")
    return problems
