"""Change lists of every tenant: filter and search by tenant, readable rows, every page renders."""

import pytest

from agents.models import AgentPolicy
from policies.models import ControlBinding, ControlVersion, PolicyControl
from tenancy.context import tenant_context
from tests.factories import make_agent, make_control, make_policy
from tests.tenancy.lifecycle_helpers import make_event

pytestmark = pytest.mark.django_db


def listed(response) -> list[str]:
    return [str(row) for row in response.context["cl"].result_list]


def test_changelist_shows_every_tenant_with_filter_and_search(operator):
    make_agent("acme", "acme-agent-01")
    make_agent("globex", "globex-agent-1")
    assert sorted(listed(operator.get("/admin/agents/agent/"))) == [
        "acme-agent-01 (acme)",
        "globex-agent-1 (globex)",
    ]
    assert listed(operator.get("/admin/agents/agent/?tenant_id=globex")) == [
        "globex-agent-1 (globex)"
    ]
    assert listed(operator.get("/admin/agents/agent/?q=acme-agent")) == ["acme-agent-01 (acme)"]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/agents/agent/",
        "/admin/agents/agentpolicy/",
        "/admin/policies/policy/",
        "/admin/policies/control/",
        "/admin/policies/policycontrol/",
        "/admin/policies/controlbinding/",
        "/admin/observability/controlexecutionevent/",
    ],
)
def test_search_finds_rows_by_tenant_id(operator, url):
    agent = make_agent("acme")
    policy = make_policy("acme")
    control = make_control("acme")
    with tenant_context("acme"):
        agent.policies.add(policy)
        policy.controls.add(control)
        ControlBinding.objects.create(control=control, target_type="env", target_id="prod")
    make_event("acme", "ev-1")
    make_agent("globex", "globex-agent-1")
    response = operator.get(url, {"q": "acme"})
    assert response.status_code == 200
    assert {row.tenant_id for row in response.context["cl"].result_list} == {"acme"}
    assert operator.get(url, {"q": "globe"}).context["cl"].result_count == (
        1 if url == "/admin/agents/agent/" else 0
    )


def test_rows_read_as_names_and_tenant(operator):
    agent = make_agent("acme", "support-bot-01")
    policy = make_policy("acme", "baseline")
    control = make_control("acme", "block-secret")
    with tenant_context("acme"):
        agent.policies.add(policy)
        agent.controls.add(control)
        policy.controls.add(control)
        binding = ControlBinding.objects.create(
            control=control, target_type="env", target_id="prod"
        )
        version = ControlVersion.objects.create(
            control=control, version_num=1, event_type="created", snapshot={}
        )
    link = AgentPolicy.all_tenants.get()
    assert str(link) == "support-bot-01 → baseline (acme)"
    assert str(agent.agent_controls.get()) == "support-bot-01 → block-secret (acme)"
    assert str(PolicyControl.all_tenants.get()) == "baseline → block-secret (acme)"
    assert str(binding) == "env/prod → block-secret (acme)"
    assert str(version) == "block-secret v1, created (acme)"
    assert str(policy) == "baseline (acme)"
    assert listed(operator.get("/admin/agents/agentpolicy/")) == [
        "support-bot-01 → baseline (acme)"
    ]
    page = operator.get(f"/admin/agents/agent/{agent.pk}/change/").content.decode()
    assert "support-bot-01 → baseline (acme)" in page


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/policies/policy/",
        "/admin/policies/control/",
        "/admin/policies/policycontrol/",
        "/admin/policies/controlversion/",
        "/admin/policies/controlbinding/",
        "/admin/agents/agentpolicy/",
        "/admin/agents/agentcontrol/",
        "/admin/policies/policy/add/",
        "/admin/policies/policy/add/acme/",
        "/admin/policies/control/add/acme/",
        "/admin/policies/policycontrol/add/acme/",
        "/admin/agents/agentpolicy/add/acme/",
        "/admin/policies/controlbinding/add/acme/",
    ],
)
def test_every_admin_page_renders(operator, url):
    agent = make_agent("acme")
    with tenant_context("acme"):
        agent.policies.add(make_policy("acme"))
    assert operator.get(url).status_code == 200
