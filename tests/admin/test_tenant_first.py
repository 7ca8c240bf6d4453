"""The admin, tenant first: adding starts with the tenant, and every choice is that tenant's."""

import pytest

from agents.models import Agent, AgentPolicy
from policies.models import ControlBinding
from tests.admin.admin_helpers import AGENT_ADD, agent_form, form_errors, select_options
from tests.factories import make_agent, make_control, make_policy

pytestmark = pytest.mark.django_db


def test_add_starts_by_choosing_the_tenant_among_those_with_rows(operator):
    make_policy("acme")
    make_agent("globex", "globex-agent-1")
    response = operator.get(AGENT_ADD)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/tenancy/choose_tenant.html"
    assert response.context["title"] == "Add agent: choose the tenant"
    assert response.context["tenants"] == [
        ("acme", "/admin/agents/agent/add/acme/"),
        ("globex", "/admin/agents/agent/add/globex/"),
    ]
    assert "adminform" not in response.context


def test_choosing_a_tenant_leads_to_its_add_form(operator):
    response = operator.post(AGENT_ADD, {"_choose_tenant": "1", "tenant_id": " initech "})
    assert (response.status_code, response["Location"]) == (302, "/admin/agents/agent/add/initech/")


def test_a_malformed_tenant_is_a_chooser_error(operator):
    response = operator.post(AGENT_ADD, {"_choose_tenant": "1", "tenant_id": "not a tenant"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "tenant_id": ["Tenant id may only contain letters, digits, '.', '_', ':' and '-'."]
    }


def test_the_chooser_keeps_the_admins_popup_parameters(operator):
    response = operator.post(
        "/admin/policies/policy/add/?_to_field=id&_popup=1",
        {"_choose_tenant": "1", "tenant_id": "acme"},
    )
    assert response["Location"] == "/admin/policies/policy/add/acme/?_to_field=id&_popup=1"


def test_the_tenants_add_form_offers_only_its_rows_and_has_no_tenant_field(operator):
    make_policy("acme", "acme-policy")
    make_policy("globex", "globex-policy")
    make_control("acme", "acme-control")
    make_control("globex", "globex-control")
    response = operator.get("/admin/agents/agent/add/acme/")
    assert response.status_code == 200
    assert response.context["subtitle"] == "in tenant acme"
    assert "tenant_id" not in response.context["adminform"].form.fields
    assert select_options(response, "agent_policies-__prefix__-policy") == ["acme-policy (acme)"]
    assert select_options(response, "agent_controls-__prefix__-control") == ["acme-control (acme)"]


def test_the_query_string_no_longer_chooses_the_tenant(operator):
    make_policy("globex", "globex-policy")
    response = operator.get(f"{AGENT_ADD}?tenant_id=globex")
    assert response.templates[0].name == "admin/tenancy/choose_tenant.html"


def test_a_malformed_tenant_in_the_add_url_is_404(operator):
    assert operator.get("/admin/agents/agent/add/not%20a%20tenant/").status_code == 404


def test_the_related_add_link_opens_the_add_form_of_the_same_tenant(operator):
    response = operator.get("/admin/agents/agent/add/acme/")
    assert b'href="/admin/policies/policy/add/acme/?_to_field=id&amp;_popup=1"' in response.content


def test_add_in_a_tenant_stamps_the_agent_and_its_inline_links(operator):
    policy = make_policy("acme", "baseline")
    control = make_control("acme")
    response = operator.post(
        "/admin/agents/agent/add/acme/",
        agent_form("admin-added-agent", [policy.pk], [control.pk]),
    )
    assert response.status_code == 302, form_errors(response)
    agent = Agent.all_tenants.get(name="admin-added-agent")
    assert agent.tenant_id == "acme"
    assert agent.steps == [{"type": "tool", "name": "search"}]
    assert list(AgentPolicy.all_tenants.values_list("tenant_id", "agent__name", "policy_id")) == [
        ("acme", "admin-added-agent", policy.pk)
    ]
    assert list(agent.agent_controls.values_list("tenant_id", "control_id")) == [
        ("acme", control.pk)
    ]


def test_save_and_add_another_stays_in_the_tenant(operator):
    response = operator.post(
        "/admin/agents/agent/add/acme/", agent_form("admin-added-agent", _addanother="1")
    )
    assert response["Location"] == "/admin/agents/agent/add/acme/"


def test_a_post_to_add_naming_the_tenant_adds_in_it(operator):
    """Scripts and tests may post the whole form to ``add/`` with ``tenant_id``."""
    response = operator.post(AGENT_ADD, agent_form("admin-added-agent", tenant_id="globex"))
    assert response.status_code == 302
    assert list(Agent.all_tenants.values_list("tenant_id", "name")) == [
        ("globex", "admin-added-agent")
    ]


def test_an_inline_choice_of_another_tenant_is_a_form_error_not_a_write(operator):
    foreign = make_policy("globex", "globex-policy")
    response = operator.post(
        "/admin/agents/agent/add/acme/", agent_form("admin-added-agent", [foreign.pk])
    )
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors == [
        {"policy": ["Select a valid choice. That choice is not one of the available choices."]}
    ]
    assert Agent.all_tenants.count() == 0
    assert AgentPolicy.all_tenants.count() == 0


def test_change_view_edits_in_the_objects_tenant_with_tenant_read_only(operator):
    agent = make_agent("globex", "globex-agent-1")
    policy = make_policy("globex", "globex-policy")
    make_policy("acme", "acme-policy")
    url = f"/admin/agents/agent/{agent.pk}/change/"
    response = operator.get(url)
    assert "tenant_id" in response.context["adminform"].readonly_fields
    assert select_options(response, "agent_policies-__prefix__-policy") == [
        "globex-policy (globex)"
    ]
    data = agent_form("globex-agent-1", [policy.pk], description="edited")
    assert operator.post(url, data).status_code == 302
    agent.refresh_from_db()
    assert (agent.tenant_id, agent.description) == ("globex", "edited")
    assert list(AgentPolicy.all_tenants.values_list("tenant_id", flat=True)) == ["globex"]


def test_delete_view_deletes_another_tenants_row(operator):
    agent = make_agent("globex", "globex-agent-1")
    response = operator.post(f"/admin/agents/agent/{agent.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert Agent.all_tenants.count() == 0


def test_binding_admin_adds_in_the_chosen_tenant_with_its_controls_only(operator):
    control = make_control("acme", "bound")
    make_control("globex", "foreign")
    page = operator.get("/admin/policies/controlbinding/add/acme/")
    assert select_options(page, "control") == ["bound (acme)"]
    response = operator.post(
        "/admin/policies/controlbinding/add/acme/",
        {"control": control.pk, "target_type": "env", "target_id": "prod", "enabled": "on"},
    )
    assert response.status_code == 302
    assert list(ControlBinding.all_tenants.values_list("tenant_id", "control_id", "enabled")) == [
        ("acme", control.pk, True)
    ]
    assert (
        "env/prod → bound (acme)"
        in operator.get("/admin/policies/controlbinding/").content.decode()
    )


@pytest.mark.parametrize(
    ("url", "note"),
    [
        (
            "/admin/agents/agent/add/",
            "the agent form that follows belongs to it, and every choice it offers (policies, "
            "controls) is that tenant's.",
        ),
        (
            "/admin/policies/policy/add/",
            "the policy form that follows belongs to it, and every choice it offers (controls) "
            "is that tenant's.",
        ),
        (
            "/admin/agents/agentpolicy/add/",
            "the agent policy form that follows belongs to it, and every choice it offers "
            "(agents, policies) is that tenant's.",
        ),
        (
            "/admin/policies/controlbinding/add/",
            "the control binding form that follows belongs to it, and every choice it offers "
            "(controls) is that tenant's.",
        ),
        ("/admin/policies/control/add/", "the control form that follows belongs to it."),
        ("/admin/credentials/apikey/add/", "the API key form that follows belongs to it."),
        (
            "/admin/quotas/tenantlimits/add/",
            "the tenant limits override form that follows belongs to it.",
        ),
    ],
)
def test_the_chooser_names_only_the_choices_the_form_offers(operator, url, note):
    page = operator.get(url).content.decode()
    assert (
        '<p id="tenancy-choose-note">Every row belongs to one tenant. Choose the tenant first: '
        f"{note}</p>"
    ) in page
