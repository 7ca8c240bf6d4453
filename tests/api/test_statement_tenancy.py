"""Every SQL statement the API emits over a full scenario (every route, two tenants) carries its
tenant: each tenant table it reads or writes is compared with a tenant id or joined on
``tenant_id`` to a table that is (``tests.sql_tenancy``). The only statements allowed without it
are those run on purpose past the tenant, inside ``bypass_row_security()`` (``Model.all_tenants``,
the admin): the scenario runs none. Quotas are on (high enough never to refuse), so their override
lookups, locks and counts are checked too.
"""

import pytest
from django.core.cache import caches
from django.db import connection

from tests.factories import REGEX_DENY
from tests.policies.templates.payloads import regex_input
from tests.sql_tenancy import StatementRecorder, unanchored_tenant_tables

pytestmark = pytest.mark.django_db

AGENT = "support-bot-01"
STEPS = [{"type": "llm", "name": "chat"}, {"type": "tool", "name": "search", "input_schema": {}}]
PROD = {"target_type": "env", "target_id": "prod"}
STAGING = {"target_type": "env", "target_id": "staging"}
NEW = {"target_type": "env", "target_id": "new"}
EVALUATE = {
    "agent_name": AGENT,
    "stage": "pre",
    "step": {"type": "llm", "name": "chat", "input": "my secret"},
}
EVENT = {
    "trace_id": "a" * 32,
    "span_id": "b" * 16,
    "agent_name": AGENT,
    "control_id": 1,
    "control_name": "block-secret",
    "check_stage": "pre",
    "applies_to": "llm_call",
    "action": "deny",
    "matched": True,
    "confidence": 1.0,
}


def scenario(api, tenant: str, other_ids: dict) -> dict:
    """Call every route once (or more) as ``tenant``; return this tenant's ids."""
    api = api.as_tenant(tenant)
    init = {"agent": {"agent_name": AGENT}, "steps": STEPS, "conflict_mode": "overwrite"}
    init["evaluators"] = [{"name": "pii", "config_schema": {"type": "object"}}]
    assert api.post("/api/v1/agents/initAgent", init).status_code == 200
    assert api.post("/api/v1/agents/initAgent", {**init, "steps": STEPS[:1]}).status_code == 200
    strict = {**init, "conflict_mode": "strict"}
    assert api.post("/api/v1/agents/initAgent", strict).status_code == 200
    control = api.put("/api/v1/controls", {"name": "block-secret", "data": REGEX_DENY}).json()
    second = api.put("/api/v1/controls", {"name": "second", "data": REGEX_DENY}).json()
    policy = api.put("/api/v1/policies", {"name": "baseline"}).json()
    ids = {"control": control["control_id"], "second": second["control_id"]}
    ids["policy"] = policy["policy_id"]
    calls = [
        ("get", "/api/v1/agents", None),
        ("get", f"/api/v1/agents?name=support&cursor={AGENT}", None),
        ("get", f"/api/v1/agents/{AGENT}", None),
        ("patch", f"/api/v1/agents/{AGENT}", {"remove_steps": [{"type": "llm", "name": "x"}]}),
        ("get", f"/api/v1/agents/{AGENT}/evaluators", None),
        ("get", f"/api/v1/agents/{AGENT}/evaluators/pii", None),
        ("post", f"/api/v1/policies/{ids['policy']}/controls/{ids['control']}", None),
        ("get", f"/api/v1/policies/{ids['policy']}/controls", None),
        ("post", f"/api/v1/agents/{AGENT}/policies/{ids['policy']}", None),
        ("post", f"/api/v1/agents/{AGENT}/policy/{ids['policy']}", None),
        ("get", f"/api/v1/agents/{AGENT}/policies", None),
        ("get", f"/api/v1/agents/{AGENT}/policy", None),
        ("post", f"/api/v1/agents/{AGENT}/controls/{ids['second']}", None),
        ("get", f"/api/v1/agents/{AGENT}/controls", None),
        (
            "get",
            f"/api/v1/agents/{AGENT}/controls?rendered_state=rendered&enabled_state=enabled",
            None,
        ),
        ("get", "/api/v1/agents", None),
        ("get", "/api/v1/controls?include_attachments=true&enabled=true&tag=x&stage=pre", None),
        ("get", f"/api/v1/controls/{ids['control']}", None),
        ("get", f"/api/v1/controls/{ids['control']}/data", None),
        ("put", f"/api/v1/controls/{ids['control']}/data", {"data": REGEX_DENY}),
        ("patch", f"/api/v1/controls/{ids['control']}", {"name": "renamed", "enabled": False}),
        ("get", f"/api/v1/controls/{ids['control']}/versions", None),
        ("get", f"/api/v1/controls/{ids['control']}/versions/1", None),
        ("post", "/api/v1/controls/validate", {"data": REGEX_DENY}),
        ("get", "/api/v1/controls/schema", None),
        ("get", "/metrics", None),
        (
            "post",
            "/api/v1/evaluation",
            {
                "agent_name": AGENT,
                "stage": "pre",
                "step": {"type": "llm", "name": "chat", "input": "my secret"},
            },
        ),
        ("get", "/api/v1/evaluators", None),
        ("post", "/api/v1/observability/events", {"events": [EVENT]}),
        ("post", "/api/v1/observability/events/query", {"agent_name": AGENT}),
        ("get", "/api/v1/observability/status", None),
        ("put", "/api/v1/controls", {"name": "templated", "data": regex_input()}),
        ("post", "/api/v1/control-templates/render", regex_input()),
        ("put", "/api/v1/control-bindings", {**PROD, "control_id": ids["control"]}),
        ("get", "/api/v1/control-bindings?target_type=env&target_id=prod", None),
        ("put", "/api/v1/control-bindings/by-key", {**STAGING, "control_id": ids["second"]}),
        (
            "patch",
            "/api/v1/control-bindings/by-key",
            {**STAGING, "control_id": ids["second"], "enabled": False},
        ),
        ("post", f"/api/v1/controls/{ids['second']}/clone-and-bind", {"target_binding": NEW}),
        ("get", f"/api/v1/agents/{AGENT}/controls?target_type=env&target_id=prod", None),
        ("post", "/api/v1/evaluation", {**EVALUATE, **PROD}),
        ("post", "/api/v1/agents/initAgent", {**init, **PROD}),
        ("get", "/api/v1/observability/stats?time_range=1h&include_timeseries=true", None),
        ("get", f"/api/v1/observability/stats/controls/{ids['control']}", None),
        (
            "post",
            "/api/v1/control-bindings/by-key:delete",
            {**STAGING, "control_id": ids["second"]},
        ),
        ("delete", f"/api/v1/controls/{ids['second']}", None),
        ("delete", f"/api/v1/agents/{AGENT}/controls/{ids['second']}", None),
        ("delete", f"/api/v1/controls/{ids['control']}?force=true", None),
        ("delete", f"/api/v1/policies/{ids['policy']}/controls/{ids['control']}", None),
        ("delete", f"/api/v1/agents/{AGENT}/policies/{ids['policy']}", None),
        ("post", f"/api/v1/agents/{AGENT}/policies/{ids['policy']}", None),
        ("delete", f"/api/v1/agents/{AGENT}/policy", None),
        ("post", f"/api/v1/agents/{AGENT}/policies/{ids['policy']}", None),
        ("delete", f"/api/v1/agents/{AGENT}/policies", None),
    ]
    for key, value in other_ids.items():  # the other tenant's ids answer 404, like missing ones
        calls.append(
            ("get", f"/api/v1/controls/{value}", None)
            if key == "control"
            else ("get", f"/api/v1/policies/{value}/controls", None)
        )
    for method, path, body in calls:
        response = api.request(method, path, body)
        assert response.status_code < 500, (method, path, response.content)
    return ids


def test_every_statement_of_the_api_names_its_tenant(api, settings):
    settings.QUOTAS_DEFAULT = {"agents": 100, "controls": 100, "policies": 100, "events": 100}
    caches["default"].clear()  # the overrides lookup runs (and is checked), not a cached answer
    recorder = StatementRecorder()
    with connection.execute_wrapper(recorder):
        acme = scenario(api, "acme", {})
        scenario(api, "globex", acme)
    dialect = "postgres" if connection.vendor == "postgresql" else "sqlite"
    unscoped = [
        (sql, sorted(tables))
        for sql, bypassed in recorder.statements
        if not bypassed and (tables := unanchored_tenant_tables(sql, dialect))
    ]
    bypassed = [sql for sql, bypassed in recorder.statements if bypassed]
    assert len(recorder.statements) > 200
    assert any("quotas_tenantlimits" in sql for sql, _ in recorder.statements)
    assert unscoped == []
    assert bypassed == []
