"""The role matrix in ``api_key`` mode: a runtime key is refused (403) on every route that
creates, changes or deletes controls, policies, links or agents, and answered 2xx on every route
the SDK uses; an admin key may do everything."""

import pytest

from controlplane.api.operations import PUBLIC
from credentials.roles import RUNTIME_OPERATIONS
from tests.api.routes import operations
from tests.credentials.credential_helpers import error
from tests.factories import REGEX_DENY
from tests.observability.payloads import event

pytestmark = pytest.mark.django_db

AGENT = "support-bot-01"
REGISTER = {
    "agent": {"agent_name": AGENT},
    "steps": [{"type": "llm", "name": "answer"}],
    "evaluators": [{"name": "pii", "config_schema": {}}],
}
STEP = {"type": "llm", "name": "answer", "input": "my secret", "output": None}
BODIES = {
    ("POST", "/api/v1/agents/initAgent"): REGISTER,
    ("POST", "/api/v1/auth/runtime-token-exchange"): {"target_type": "env", "target_id": "prod"},
    ("POST", "/api/v1/evaluation"): {"agent_name": AGENT, "step": STEP, "stage": "pre"},
    ("POST", "/api/v1/observability/events"): {"events": [event()]},
    ("POST", "/api/v1/observability/events/query"): {},
}
# Query strings the read routes need.
QUERIES = {
    "/api/v1/observability/stats": f"?agent_name={AGENT}",
    "/api/v1/observability/stats/controls/{control_id}": f"?agent_name={AGENT}",
}
# Allowed, yet never 2xx: "by-key" is not a binding id (the reference's integer check, 422);
# /metrics is for scrapers (a scrape token or network, tests/telemetry), not API keys.
NOT_2XX = {
    ("GET", "/api/v1/control-bindings/by-key"): 422,
    ("DELETE", "/api/v1/control-bindings/by-key"): 422,
    ("GET", "/metrics"): 403,
}
RUNTIME_DENIED = [
    ("PATCH", "/api/v1/agents/{agent_name}"),
    ("DELETE", "/api/v1/agents/{agent_name}/controls/{control_id}"),
    ("POST", "/api/v1/agents/{agent_name}/controls/{control_id}"),
    ("DELETE", "/api/v1/agents/{agent_name}/policies"),
    ("DELETE", "/api/v1/agents/{agent_name}/policies/{policy_id}"),
    ("POST", "/api/v1/agents/{agent_name}/policies/{policy_id}"),
    ("DELETE", "/api/v1/agents/{agent_name}/policy"),
    ("POST", "/api/v1/agents/{agent_name}/policy/{policy_id}"),
    ("PUT", "/api/v1/control-bindings"),
    ("PATCH", "/api/v1/control-bindings/by-key"),
    ("PUT", "/api/v1/control-bindings/by-key"),
    ("POST", "/api/v1/control-bindings/by-key:delete"),
    ("DELETE", "/api/v1/control-bindings/{binding_id}"),
    ("PATCH", "/api/v1/control-bindings/{binding_id}"),
    ("POST", "/api/v1/control-templates/render"),
    ("PUT", "/api/v1/controls"),
    ("POST", "/api/v1/controls/validate"),
    ("DELETE", "/api/v1/controls/{control_id}"),
    ("PATCH", "/api/v1/controls/{control_id}"),
    ("POST", "/api/v1/controls/{control_id}/clone-and-bind"),
    ("PUT", "/api/v1/controls/{control_id}/data"),
    ("PUT", "/api/v1/policies"),
    ("DELETE", "/api/v1/policies/{policy_id}/controls/{control_id}"),
    ("POST", "/api/v1/policies/{policy_id}/controls/{control_id}"),
]
ROUTES = operations()
ALLOWED = [r for r, op in ROUTES.items() if op == PUBLIC or op in RUNTIME_OPERATIONS]
DENIED = [r for r in ROUTES if r not in ALLOWED]


@pytest.fixture
def world(acme_admin, acme_runtime):
    """An agent (registered with the runtime key), a control linked through a policy (by the
    admin key); the path parameters of every route."""
    assert acme_runtime.post("/api/v1/agents/initAgent", REGISTER).status_code == 200
    control = acme_admin.put("/api/v1/controls", {"name": "block-secret", "data": REGEX_DENY})
    policy = acme_admin.put("/api/v1/policies", {"name": "baseline"}).json()["policy_id"]
    control_id = control.json()["control_id"]
    acme_admin.post(f"/api/v1/policies/{policy}/controls/{control_id}")
    acme_admin.post(f"/api/v1/agents/{AGENT}/policies/{policy}")
    binding = acme_admin.put(
        "/api/v1/control-bindings",
        {"target_type": "env", "target_id": "prod", "control_id": control_id},
    )
    assert binding.status_code == 200, binding.json()
    return {
        "binding_id": binding.json()["binding_id"],
        "agent_name": AGENT,
        "control_id": control_id,
        "policy_id": policy,
        "version_num": 1,
        "evaluator_name": "pii",
    }


def test_runtime_role_is_refused_exactly_the_writes_of_the_reference_admin_operations():
    assert DENIED == RUNTIME_DENIED


@pytest.mark.parametrize(("method", "template"), RUNTIME_DENIED)
def test_runtime_key_on_a_write_route_is_403(acme_runtime, world, method, template):
    body = {} if method in ("PUT", "PATCH") else None
    response = acme_runtime.request(method.lower(), template.format(**world), body)
    assert error(response) == (
        403,
        "AUTH_INSUFFICIENT_PRIVILEGES",
        "This operation requires admin privileges.",
        None,
    )
    assert response.json()["hint"] == "Use an admin API key for this operation."


@pytest.mark.parametrize(("method", "template"), ALLOWED)
def test_runtime_key_on_an_sdk_route_is_2xx(acme_runtime, world, method, template):
    body = BODIES.get((method, template))
    path = template.format(**world) + QUERIES.get(template, "")
    response = acme_runtime.request(method.lower(), path, body)
    expected = NOT_2XX.get((method, template))
    if expected is not None:
        assert response.status_code == expected
    else:
        assert response.status_code in (200, 202), response.json()


def test_runtime_key_re_registers_its_agent_as_the_sdk_does_on_every_start(acme_runtime, world):
    again = acme_runtime.post("/api/v1/agents/initAgent", REGISTER)
    assert again.status_code == 200
    assert again.json()["created"] is False


def test_runtime_key_evaluation_applies_the_tenants_controls(acme_runtime, world):
    body = BODIES[("POST", "/api/v1/evaluation")]
    verdict = acme_runtime.post("/api/v1/evaluation", body).json()
    assert verdict["is_safe"] is False
    assert [m["control_name"] for m in verdict["matches"]] == ["block-secret"]


@pytest.mark.parametrize(("method", "template"), RUNTIME_DENIED)
def test_admin_key_is_never_refused_for_privileges(acme_admin, world, method, template):
    body = {} if method in ("PUT", "PATCH") else None
    response = acme_admin.request(method.lower(), template.format(**world), body)
    assert response.status_code not in (401, 403)
