"""Every route that takes an id or a name: another tenant's object answers exactly like a missing
one, and nothing is written in the owner's tenant.

For each route, tenant globex asks for acme's objects (alone, or combined with globex's own agent,
policy or control). The body must be identical (timestamp aside) to the body globex gets for the
same identifiers once acme's rows are gone from the database. Routes that never answer 404 (lists,
idempotent deletes by key, statistics) show globex nothing of acme's and change nothing there.
"""

import pytest
from django.utils import timezone

from agents.models import Agent, AgentControl, AgentPolicy
from observability.models import ControlExecutionEvent
from policies.models import Control, ControlBinding, ControlVersion, Policy, PolicyControl
from tenancy.context import tenant_context
from tests.factories import make_agent, make_control, make_policy
from tests.snapshots import rows_by_model

pytestmark = pytest.mark.django_db

PROD = {"target_type": "env", "target_id": "prod"}
ENV_NEW = {"target_type": "env", "target_id": "new"}
STEP = {"step": {"type": "llm", "name": "chat", "input": "secret"}}
ROUTES = [
    ("get", "/api/v1/agents/{agent}", None),
    ("patch", "/api/v1/agents/{agent}", {"remove_steps": [{"type": "tool", "name": "search"}]}),
    ("get", "/api/v1/agents/{agent}/controls", None),
    ("get", "/api/v1/agents/{agent}/evaluators", None),
    ("get", "/api/v1/agents/{agent}/evaluators/pii", None),
    ("get", "/api/v1/agents/{agent}/policies", None),
    ("delete", "/api/v1/agents/{agent}/policies", None),
    ("post", "/api/v1/agents/{agent}/policies/{policy}", None),
    ("delete", "/api/v1/agents/{agent}/policies/{policy}", None),
    ("post", "/api/v1/agents/{own_agent}/policies/{policy}", None),
    ("delete", "/api/v1/agents/{own_agent}/policies/{policy}", None),
    ("get", "/api/v1/agents/{agent}/policy", None),
    ("delete", "/api/v1/agents/{agent}/policy", None),
    ("post", "/api/v1/agents/{agent}/policy/{policy}", None),
    ("post", "/api/v1/agents/{own_agent}/policy/{policy}", None),
    ("post", "/api/v1/agents/{agent}/controls/{control}", None),
    ("delete", "/api/v1/agents/{agent}/controls/{control}", None),
    ("post", "/api/v1/agents/{own_agent}/controls/{control}", None),
    ("delete", "/api/v1/agents/{own_agent}/controls/{control}", None),
    ("get", "/api/v1/controls/{control}", None),
    ("patch", "/api/v1/controls/{control}", {"enabled": False}),
    ("delete", "/api/v1/controls/{control}", None),
    ("delete", "/api/v1/controls/{control}?force=true", None),
    ("get", "/api/v1/controls/{control}/data", None),
    ("put", "/api/v1/controls/{control}/data", {"data": "CONTROL_DATA"}),
    ("get", "/api/v1/controls/{control}/versions", None),
    ("get", "/api/v1/controls/{control}/versions/1", None),
    ("get", "/api/v1/policies/{policy}/controls", None),
    ("post", "/api/v1/policies/{policy}/controls/{control}", None),
    ("delete", "/api/v1/policies/{policy}/controls/{control}", None),
    ("post", "/api/v1/policies/{own_policy}/controls/{control}", None),
    ("delete", "/api/v1/policies/{own_policy}/controls/{control}", None),
    ("post", "/api/v1/policies/{policy}/controls/{own_control}", None),
    ("get", "/api/v1/agents/{agent}/controls?target_type=env&target_id=prod", None),
    ("post", "/api/v1/evaluation", {"agent_name": "{agent}", "stage": "pre", **STEP, **PROD}),
    ("get", "/api/v1/control-bindings/{binding}", None),
    ("patch", "/api/v1/control-bindings/{binding}", {"enabled": False}),
    ("delete", "/api/v1/control-bindings/{binding}", None),
    ("put", "/api/v1/control-bindings", {**ENV_NEW, "control_id": "{control}"}),
    ("put", "/api/v1/control-bindings/by-key", {**ENV_NEW, "control_id": "{control}"}),
    ("put", "/api/v1/control-bindings/by-key", {**PROD, "control_id": "{control}"}),
    (
        "patch",
        "/api/v1/control-bindings/by-key",
        {**PROD, "control_id": "{control}", "enabled": False},
    ),
    ("post", "/api/v1/controls/{control}/clone-and-bind", {"target_binding": ENV_NEW}),
    ("post", "/api/v1/controls/{control}/clone-and-bind", {"name": "c", "target_binding": PROD}),
]


@pytest.fixture
def world():
    return build_world()


def build_world() -> dict:
    """acme's agent, control (with a version), policy and links; globex's own agent, control and
    policy; the path parameters of ``ROUTES``."""
    acme_agent = make_agent(
        "acme",
        "acme-agent-0001",
        steps=[{"type": "tool", "name": "search"}],
        evaluators=[{"name": "pii", "config_schema": {}}],
    )
    control = make_control("acme", "block-ssn")
    with tenant_context("acme"):
        ControlVersion.objects.create(
            control=control, version_num=1, event_type="created", snapshot={}
        )
    policy = make_policy("acme", "baseline")
    policy.controls.add(control)
    acme_agent.policies.add(policy)
    acme_agent.controls.add(control)
    own_agent = make_agent("globex", "globex-agent-01")
    with tenant_context("acme"):
        binding = ControlBinding.objects.create(control=control, **PROD)
    return {
        "binding": binding.pk,
        "agent": acme_agent.name,
        "control": control.pk,
        "policy": policy.pk,
        "own_agent": own_agent.name,
        "own_control": make_control("globex", "block-ssn").pk,
        "own_policy": make_policy("globex", "baseline").pk,
        "control_data": dict(control.data),
    }


def fill(body, world):
    """``body`` with ``"{name}"`` strings replaced by ``world[name]``."""
    if isinstance(body, dict):
        return {key: fill(value, world) for key, value in body.items()}
    if isinstance(body, str) and body.startswith("{") and body.endswith("}"):
        return world[body[1:-1]]
    return body


def delete_acme_rows() -> None:
    """Remove every row of acme's world (links first)."""
    for model in (AgentControl, AgentPolicy, PolicyControl, ControlVersion, ControlBinding):
        model.all_tenants.filter(tenant_id="acme").delete()
    for model in (Agent, Policy, Control):
        model.all_tenants.filter(tenant_id="acme").delete()


def comparable(response) -> tuple[int, dict]:
    body = response.json()
    body.get("metadata", {}).pop("timestamp", None)
    body.get("metadata", {}).pop("request_id", None)  # each response quotes its own request
    return response.status_code, body


@pytest.mark.parametrize(("method", "template", "body"), ROUTES)
def test_other_tenants_object_is_indistinguishable_from_a_missing_one(
    api, world, method, template, body
):
    path = template.format(**world)
    body = fill(body, world)
    if body == {"data": "CONTROL_DATA"}:
        body = {"data": world["control_data"]}
    before = rows_by_model("acme")
    foreign = api.request(method, path, body, tenant="globex")
    assert foreign.status_code == 404
    assert foreign.json()["error_code"] in {
        "AGENT_NOT_FOUND",
        "POLICY_NOT_FOUND",
        "CONTROL_NOT_FOUND",
        "CONTROL_BINDING_NOT_FOUND",
    }
    assert rows_by_model("acme") == before
    delete_acme_rows()
    missing = api.request(method, path, body, tenant="globex")
    assert comparable(foreign) == comparable(missing)


def test_lists_and_totals_never_include_other_tenants(api, world):
    assert [
        a["agent_name"] for a in api.get("/api/v1/agents", tenant="globex").json()["agents"]
    ] == ["globex-agent-01"]
    listed = api.get("/api/v1/controls", tenant="globex").json()
    assert [c["id"] for c in listed["controls"]] == [world["own_control"]]
    assert listed["pagination"]["total"] == 1
    empty = api.get("/api/v1/controls", tenant="initech").json()
    assert (empty["controls"], empty["pagination"]["total"]) == ([], 0)


def test_tenant_wide_binding_and_stats_routes_never_reach_other_tenants(api, world):
    listed = api.get("/api/v1/control-bindings", tenant="globex").json()
    assert (listed["bindings"], listed["pagination"]["total"]) == ([], 0)
    delete = {**PROD, "control_id": world["control"]}
    answered = api.post("/api/v1/control-bindings/by-key:delete", delete, tenant="globex")
    assert answered.json() == {"deleted": False}
    init = {"agent": {"agent_name": world["agent"]}, **PROD}
    registered = api.post("/api/v1/agents/initAgent", init, tenant="globex").json()
    assert (registered["created"], registered["controls"]) == (True, [])
    assert ControlBinding.all_tenants.filter(tenant_id="acme").count() == 1
    with tenant_context("acme"):
        ControlExecutionEvent.objects.create(
            control_execution_id="e1",
            timestamp=timezone.now(),
            agent_name=world["agent"],
            trace_id="t",
            span_id="s",
            data={"control_id": world["control"], "control_name": "block-ssn", "matched": True},
        )
    before = rows_by_model("acme")
    for path in (
        "/api/v1/observability/stats",
        f"/api/v1/observability/stats/controls/{world['control']}",
    ):
        stats = api.get(path, agent_name=world["agent"], time_range="1h", tenant="globex").json()
        assert (stats.get("totals") or stats["stats"])["execution_count"] == 0
    assert rows_by_model("acme") == before
