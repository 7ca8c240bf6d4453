"""The Django admin: operators see every tenant; adds are stamped; inlines stay in one tenant."""

import re

import pytest

from agents.models import Agent, AgentPolicy
from policies.models import ControlBinding
from tests.factories import make_agent, make_control, make_policy

pytestmark = pytest.mark.django_db


def agent_form(tenant, name, policy_ids=(), control_ids=()):
    data = {
        "tenant_id": tenant,
        "name": name,
        "description": "",
        "version": "",
        "metadata": "null",
        "steps": '[{"type": "tool", "name": "search"}]',
        "evaluators": "[]",
        "agent_policies-TOTAL_FORMS": str(len(policy_ids)),
        "agent_policies-INITIAL_FORMS": "0",
        "agent_controls-TOTAL_FORMS": str(len(control_ids)),
        "agent_controls-INITIAL_FORMS": "0",
    }
    for i, pk in enumerate(policy_ids):
        data[f"agent_policies-{i}-policy"] = str(pk)
    for i, pk in enumerate(control_ids):
        data[f"agent_controls-{i}-control"] = str(pk)
    return data


def policy_options(response):
    """Names offered by the rendered policy inline's <select> (the empty form's copy)."""
    html = response.content.decode()
    start = html.index('name="agent_policies-__prefix__-policy"')
    select = html[start : html.index("</select>", start)]
    return re.findall(r'<option value="\d+">([^<]+)</option>', select)


def test_changelist_shows_every_tenant_with_filter_and_search(operator):
    make_agent("acme", "acme-agent-01")
    make_agent("globex", "globex-agent-1")
    response = operator.get("/admin/agents/agent/")
    assert response.status_code == 200
    names = [a.name for a in response.context["cl"].result_list]
    assert sorted(names) == ["acme-agent-01", "globex-agent-1"]
    filtered = operator.get("/admin/agents/agent/?tenant_id=globex")
    assert [a.name for a in filtered.context["cl"].result_list] == ["globex-agent-1"]
    searched = operator.get("/admin/agents/agent/?q=acme")
    assert [a.name for a in searched.context["cl"].result_list] == ["acme-agent-01"]


def test_add_agent_with_inline_policy_link_stamps_both_rows(operator):
    policy = make_policy("acme", "baseline")
    control = make_control("acme")
    response = operator.post(
        "/admin/agents/agent/add/",
        agent_form("acme", "admin-added-agent", [policy.pk], [control.pk]),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    agent = Agent.all_tenants.get(name="admin-added-agent")
    assert agent.tenant_id == "acme"
    assert agent.steps == [{"type": "tool", "name": "search"}]
    assert list(AgentPolicy.all_tenants.values_list("tenant_id", "agent__name", "policy_id")) == [
        ("acme", "admin-added-agent", policy.pk)
    ]
    assert list(agent.agent_controls.values_list("tenant_id", "control_id")) == [
        ("acme", control.pk)
    ]


def test_add_form_defaults_to_the_requests_tenant_and_offers_only_its_policies(operator):
    make_policy("acme", "acme-policy")
    make_policy("globex", "globex-policy")
    response = operator.get("/admin/agents/agent/add/", HTTP_X_TENANT_ID="acme")
    form = response.context["adminform"].form
    assert form.initial["tenant_id"] == "acme"
    assert policy_options(response) == ["acme-policy"]


def test_add_form_tenant_from_query_string(operator):
    make_policy("acme", "acme-policy")
    make_policy("globex", "globex-policy")
    response = operator.get("/admin/agents/agent/add/?tenant_id=globex")
    assert response.context["adminform"].form.initial["tenant_id"] == "globex"
    assert policy_options(response) == ["globex-policy"]


def test_inline_choice_of_another_tenant_is_a_form_error_not_a_write(operator):
    foreign = make_policy("globex", "globex-policy")
    response = operator.post(
        "/admin/agents/agent/add/", agent_form("acme", "admin-added-agent", [foreign.pk])
    )
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors == [
        {"policy": ["Select a valid choice. That choice is not one of the available choices."]}
    ]
    assert Agent.all_tenants.count() == 0
    assert AgentPolicy.all_tenants.count() == 0


def test_duplicate_name_in_tenant_is_a_form_error(operator):
    make_agent("acme", "admin-added-agent")
    response = operator.post("/admin/agents/agent/add/", agent_form("acme", "admin-added-agent"))
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Agent with this Tenant and Name already exists."
    ]
    assert Agent.all_tenants.count() == 1


def test_same_name_in_another_tenant_is_allowed_from_admin(operator):
    make_agent("acme", "admin-added-agent")
    response = operator.post("/admin/agents/agent/add/", agent_form("globex", "admin-added-agent"))
    assert response.status_code == 302
    assert sorted(Agent.all_tenants.values_list("tenant_id", flat=True)) == ["acme", "globex"]


def test_change_view_edits_in_the_objects_tenant_with_tenant_read_only(operator):
    agent = make_agent("globex", "globex-agent-1")
    policy = make_policy("globex", "globex-policy")
    make_policy("acme", "acme-policy")
    url = f"/admin/agents/agent/{agent.pk}/change/"
    response = operator.get(url)
    assert "tenant_id" in response.context["adminform"].readonly_fields
    assert policy_options(response) == ["globex-policy"]
    data = agent_form("acme", "globex-agent-1", [policy.pk])
    del data["tenant_id"]
    data["description"] = "edited"
    assert operator.post(url, data).status_code == 302
    agent.refresh_from_db()
    assert (agent.tenant_id, agent.description) == ("globex", "edited")
    assert list(AgentPolicy.all_tenants.values_list("tenant_id", flat=True)) == ["globex"]


def test_delete_view_deletes_another_tenants_row(operator):
    agent = make_agent("globex", "globex-agent-1")
    response = operator.post(f"/admin/agents/agent/{agent.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert Agent.all_tenants.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/admin/policies/policy/",
        "/admin/policies/control/",
        "/admin/policies/policycontrol/",
        "/admin/policies/controlversion/",
        "/admin/policies/controlbinding/",
        "/admin/policies/controlbinding/add/",
        "/admin/agents/agentpolicy/",
        "/admin/agents/agentcontrol/",
        "/admin/policies/policy/add/",
        "/admin/policies/control/add/",
    ],
)
def test_every_admin_page_renders(operator, url):
    agent = make_agent("acme")
    agent.policies.add(make_policy("acme"))
    assert operator.get(url).status_code == 200


def test_control_admin_validates_the_definition(operator):
    response = operator.post(
        "/admin/policies/control/add/",
        {"tenant_id": "acme", "name": "bad-control", "data": '{"execution": "server"}'},
    )
    assert response.status_code == 200
    assert "Not a valid ControlDefinition" in str(response.context["adminform"].form.errors)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("steps", '{"a": 1}'),
        ("steps", "[1]"),
        ("steps", "[null]"),
        ("steps", '"x"'),
        ("steps", '[{"type": "tool"}]'),
        ("evaluators", '"x"'),
        ("evaluators", "[1]"),
    ],
)
def test_malformed_steps_or_evaluators_are_form_errors_not_500(operator, field, value):
    data = agent_form("acme", "admin-added-agent")
    data[field] = value
    response = operator.post("/admin/agents/agent/add/", data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]
    assert Agent.all_tenants.count() == 0


def test_binding_admin_adds_in_the_controls_tenant_and_lists_every_tenant(operator):
    control = make_control("acme", "bound")
    response = operator.post(
        "/admin/policies/controlbinding/add/",
        {
            "tenant_id": "acme",
            "control": control.pk,
            "target_type": "env",
            "target_id": "prod",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    assert list(ControlBinding.all_tenants.values_list("tenant_id", "control_id", "enabled")) == [
        ("acme", control.pk, True)
    ]
    assert "prod" in operator.get("/admin/policies/controlbinding/").content.decode()
