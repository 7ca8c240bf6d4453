"""Stamping: every create path writes the bound tenant; refusals write nothing."""

import pytest
from django.db import IntegrityError, transaction

from agents.models import Agent
from policies.models import Control, Policy
from tenancy.context import tenant_context
from tenancy.exceptions import InvalidTenantId, NoTenantBound, TenantMismatch
from tests.factories import REGEX_DENY, make_agent
from tests.raw_sql import execute_as_system

pytestmark = pytest.mark.django_db


def stored_tenants(model):
    return sorted(model.all_tenants.values_list("name", "tenant_id"))


def test_save_stamps_the_bound_tenant():
    with tenant_context("acme"):
        agent = Agent(name="support-bot-01")
        agent.save()
    assert agent.tenant_id == "acme"
    assert stored_tenants(Agent) == [("support-bot-01", "acme")]


def test_create_stamps_the_bound_tenant():
    with tenant_context("acme"):
        Policy.objects.create(name="baseline")
        Control.objects.create(name="block-secret", data=REGEX_DENY)
    assert stored_tenants(Policy) == [("baseline", "acme")]
    assert stored_tenants(Control) == [("block-secret", "acme")]


def test_bulk_create_stamps_every_row():
    with tenant_context("acme"):
        created = Agent.objects.bulk_create([Agent(name=f"support-bot-{i:02d}") for i in range(3)])
    assert [agent.tenant_id for agent in created] == ["acme", "acme", "acme"]
    assert stored_tenants(Agent) == [
        ("support-bot-00", "acme"),
        ("support-bot-01", "acme"),
        ("support-bot-02", "acme"),
    ]


def test_get_or_create_stamps_and_then_finds_within_the_tenant():
    with tenant_context("acme"):
        first, created_first = Policy.objects.get_or_create(name="baseline")
        again, created_again = Policy.objects.get_or_create(name="baseline")
    with tenant_context("globex"):
        other, created_other = Policy.objects.get_or_create(name="baseline")
    assert (created_first, created_again, created_other) == (True, False, True)
    assert again.pk == first.pk
    assert other.pk != first.pk
    assert stored_tenants(Policy) == [("baseline", "acme"), ("baseline", "globex")]


def test_update_or_create_stamps_on_create_and_updates_in_tenant():
    with tenant_context("acme"):
        agent, created = Agent.objects.update_or_create(
            name="support-bot-01", defaults={"description": "first"}
        )
        same, created_again = Agent.objects.update_or_create(
            name="support-bot-01", defaults={"description": "second"}
        )
    assert (created, created_again) == (True, False)
    assert same.pk == agent.pk
    assert list(Agent.all_tenants.values_list("tenant_id", "description")) == [("acme", "second")]


def test_explicit_matching_tenant_id_is_accepted():
    with tenant_context("acme"):
        agent = Agent.objects.create(name="support-bot-01", tenant_id="acme")
    assert agent.tenant_id == "acme"


def test_explicit_other_tenant_id_is_refused_and_nothing_written():
    with tenant_context("acme"), pytest.raises(TenantMismatch) as excinfo:
        Agent.objects.create(name="support-bot-01", tenant_id="globex")
    assert "was given tenant_id 'globex' but belongs to tenant 'acme'" in str(excinfo.value)
    assert Agent.all_tenants.count() == 0


def test_bulk_create_with_one_foreign_row_writes_nothing():
    rows = [Agent(name="support-bot-01"), Agent(name="support-bot-02", tenant_id="globex")]
    with tenant_context("acme"), pytest.raises(TenantMismatch):
        Agent.objects.bulk_create(rows)
    assert Agent.all_tenants.count() == 0


def test_create_without_bound_tenant_fails_closed():
    with pytest.raises(NoTenantBound, match="Cannot create Agent: no tenant is bound"):
        Agent(name="support-bot-01").save()
    assert Agent.all_tenants.count() == 0


def test_system_context_create_with_explicit_tenant():
    agent = Agent.all_tenants.create(name="support-bot-01", tenant_id="acme")
    assert agent.tenant_id == "acme"


def test_system_context_create_with_malformed_tenant_is_refused():
    with pytest.raises(InvalidTenantId):
        Agent.all_tenants.create(name="support-bot-01", tenant_id="not valid!")
    assert Agent.all_tenants.count() == 0


def test_save_of_another_tenants_row_is_refused():
    agent = make_agent("globex")
    agent.description = "hijacked"
    with tenant_context("acme"), pytest.raises(TenantMismatch, match="another tenant"):
        agent.save()
    assert Agent.all_tenants.get().description is None


def test_delete_of_another_tenants_row_is_refused():
    agent = make_agent("globex")
    with tenant_context("acme"), pytest.raises(TenantMismatch, match="cannot be deleted"):
        agent.delete()
    assert Agent.all_tenants.count() == 1


def test_bulk_update_of_another_tenants_row_is_refused():
    mine = make_agent("acme", "support-bot-01")
    theirs = make_agent("globex", "support-bot-02")
    mine.description = theirs.description = "changed"
    with tenant_context("acme"), pytest.raises(TenantMismatch):
        Agent.objects.bulk_update([mine, theirs], ["description"])
    assert list(Agent.all_tenants.values_list("description", flat=True)) == [None, None]


def test_bulk_update_within_tenant_works():
    agent = make_agent("acme")
    agent.description = "changed"
    with tenant_context("acme"):
        assert Agent.objects.bulk_update([agent], ["description"]) == 1
    assert Agent.all_tenants.get().description == "changed"


def test_changing_tenant_id_of_a_loaded_row_is_refused():
    agent = make_agent("acme")
    agent.tenant_id = "globex"
    with pytest.raises(TenantMismatch, match="tenant_id cannot change"):
        agent.save()
    assert Agent.all_tenants.get().tenant_id == "acme"


def test_queryset_update_cannot_relabel_rows():
    make_agent("acme")
    with tenant_context("acme"), pytest.raises(TenantMismatch):
        Agent.objects.update(tenant_id="globex")
    with pytest.raises(TenantMismatch):
        Agent.all_tenants.update(tenant_id="globex")
    assert Agent.all_tenants.get().tenant_id == "acme"


def test_new_instance_with_another_tenants_primary_key_is_refused():
    theirs = make_agent("globex")
    with tenant_context("acme"), pytest.raises(TenantMismatch, match="exists in another tenant"):
        Agent(pk=theirs.pk, name="support-bot-99").save()
    assert list(Agent.all_tenants.values_list("name", "tenant_id")) == [
        ("support-bot-01", "globex")
    ]


def test_raw_insert_without_tenant_lands_in_database_default():
    execute_as_system(
        "INSERT INTO policies_policy (name, created_at) VALUES (%s, CURRENT_TIMESTAMP)",
        ["raw-policy"],
    )
    assert stored_tenants(Policy) == [("raw-policy", "default-tenant")]


def test_same_names_in_two_tenants_succeed():
    for tenant in ("acme", "globex"):
        make_agent(tenant, "support-bot-01")
        with tenant_context(tenant):
            Policy.objects.create(name="baseline")
            Control.objects.create(name="block-ssn", data=REGEX_DENY)
    assert stored_tenants(Agent) == [("support-bot-01", "acme"), ("support-bot-01", "globex")]
    assert stored_tenants(Policy) == [("baseline", "acme"), ("baseline", "globex")]
    assert stored_tenants(Control) == [("block-ssn", "acme"), ("block-ssn", "globex")]


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Agent, {"name": "support-bot-01"}),
        (Policy, {"name": "baseline"}),
        (Control, {"name": "block-ssn", "data": REGEX_DENY}),
    ],
)
def test_same_name_twice_in_one_tenant_is_an_integrity_error(model, fields):
    with tenant_context("acme"):
        model.objects.create(**fields)
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.create(**fields)
    assert model.all_tenants.count() == 1


def test_soft_deleted_control_name_can_be_reused():
    from django.utils import timezone

    with tenant_context("acme"):
        first = Control.objects.create(name="block-ssn", data=REGEX_DENY)
        first.deleted_at = timezone.now()
        first.save()
        Control.objects.create(name="block-ssn", data=REGEX_DENY)
    assert Control.all_tenants.filter(name="block-ssn").count() == 2
