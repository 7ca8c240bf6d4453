"""Quotas per tenant: creating past the quota of agents, controls, policies or events is a 409
``QUOTA_EXCEEDED`` naming the limit, and nothing is written; a tenant's override wins over the
global default; other tenants are unaffected."""

import pytest
from django.db import transaction

from agents.models import Agent
from controlplane.api.exceptions import APIError
from observability.models import ControlExecutionEvent
from policies.models import Control, Policy
from policies.services.controls import control_restore
from quotas.enforcement import quota_check
from quotas.models import TenantLimits
from quotas.resources import Resource
from tenancy.context import tenant_context
from tenancy.exceptions import NoTenantBound
from tests.factories import make_agent, make_control, soft_delete
from tests.quotas.quota_helpers import (
    create_control,
    create_policy,
    ingest,
    init_agent,
    quota_exceeded,
)
from tests.reference_errors import problem

pytestmark = pytest.mark.django_db


def names(model, tenant: str) -> list[str]:
    return sorted(model.all_tenants.filter(tenant_id=tenant).values_list("name", flat=True))


def test_a_new_agent_past_the_quota_is_409_and_a_known_one_still_registers(api, settings):
    settings.QUOTAS_DEFAULT = {"agents": 2}
    for name in ("support-bot-01", "support-bot-02"):
        assert init_agent(api, name, "acme").status_code == 200
    refused = init_agent(api, "support-bot-03", "acme")
    assert refused.status_code == 409
    assert problem(refused) == quota_exceeded("acme", "agents", 2, "/api/v1/agents/initAgent")
    assert names(Agent, "acme") == ["support-bot-01", "support-bot-02"]
    again = init_agent(api, "support-bot-01", "acme")
    assert (again.status_code, again.json()["created"]) == (200, False)


def test_controls_past_the_quota_are_409_and_deleted_ones_do_not_count(api, settings):
    settings.QUOTAS_DEFAULT = {"controls": 2}
    first = make_control("acme", "first")
    make_control("acme", "second")
    refused = create_control(api, "third", "acme")
    assert problem(refused) == quota_exceeded("acme", "controls", 2, "/api/v1/controls")
    soft_delete(first)
    assert create_control(api, "third", "acme").status_code == 200
    assert names(Control, "acme") == ["first", "second", "third"]


def test_restoring_a_control_past_the_quota_is_409_and_keeps_it_deleted(settings):
    settings.QUOTAS_DEFAULT = {"controls": 1}
    first = make_control("acme", "first")
    soft_delete(first)
    make_control("acme", "second")
    with tenant_context("acme"), pytest.raises(APIError) as raised:
        control_restore(control_id=first.pk)
    assert (raised.value.status_code, raised.value.error_code) == (409, "QUOTA_EXCEEDED")
    assert str(raised.value.detail) == (
        "Quota exceeded: tenant 'acme' may keep at most 1 controls (max_controls)."
    )
    assert Control.all_tenants.get(pk=first.pk).deleted_at is not None


def test_clone_and_bind_past_the_quota_writes_nothing(api, settings):
    settings.QUOTAS_DEFAULT = {"controls": 1}
    source = make_control("acme", "source")
    body = {"target_binding": {"target_type": "env", "target_id": "prod"}}
    response = api.post(f"/api/v1/controls/{source.pk}/clone-and-bind", body, tenant="acme")
    assert problem(response) == quota_exceeded(
        "acme", "controls", 1, f"/api/v1/controls/{source.pk}/clone-and-bind"
    )
    assert names(Control, "acme") == ["source"]


def test_policies_past_the_quota_are_409(api, settings):
    settings.QUOTAS_DEFAULT = {"policies": 1}
    assert create_policy(api, "baseline", "acme").status_code == 200
    refused = create_policy(api, "strict", "acme")
    assert problem(refused) == quota_exceeded("acme", "policies", 1, "/api/v1/policies")
    assert names(Policy, "acme") == ["baseline"]


def test_an_event_batch_that_would_pass_the_quota_is_refused_whole(api, settings):
    settings.QUOTAS_DEFAULT = {"events": 3}
    assert ingest(api, "acme", "ev-a", "ev-b").status_code == 202
    refused = ingest(api, "acme", "ev-c", "ev-d")
    assert problem(refused) == quota_exceeded("acme", "events", 3, "/api/v1/observability/events")
    assert ingest(api, "acme", "ev-c").status_code == 202
    stored = ControlExecutionEvent.all_tenants.filter(tenant_id="acme")
    assert sorted(stored.values_list("control_execution_id", flat=True)) == ["ev-a", "ev-b", "ev-c"]


def test_two_tenants_each_have_their_own_quota_and_an_override_wins(api, settings):
    settings.QUOTAS_DEFAULT = {"policies": 3}
    with tenant_context("acme"):
        TenantLimits.objects.create(max_policies=1)
    with tenant_context("globex"):
        TenantLimits.objects.create(max_policies=5)
    acme = [create_policy(api, f"p{i}", "acme").status_code for i in range(3)]
    globex = [create_policy(api, f"p{i}", "globex").status_code for i in range(6)]
    initech = [create_policy(api, f"p{i}", "initech").status_code for i in range(4)]
    assert (acme, globex, initech) == (
        [200, 409, 409],
        [200, 200, 200, 200, 200, 409],
        [200, 200, 200, 409],
    )


def test_without_quotas_nothing_is_locked_or_counted(api, django_assert_num_queries):
    with tenant_context("acme"), transaction.atomic(), django_assert_num_queries(1):
        quota_check(Resource.AGENTS)  # the override lookup, cached afterwards
    with tenant_context("acme"), transaction.atomic(), django_assert_num_queries(0):
        quota_check(Resource.AGENTS)


@pytest.mark.django_db(transaction=True)
def test_a_quota_check_needs_a_tenant_and_the_inserting_transaction(settings):
    settings.QUOTAS_DEFAULT = {"agents": 1}
    with pytest.raises(NoTenantBound):
        quota_check(Resource.AGENTS)
    with tenant_context("acme"), pytest.raises(RuntimeError, match="inside the transaction"):
        quota_check(Resource.AGENTS)


def test_a_quota_of_zero_refuses_every_create(api, settings):
    settings.QUOTAS_DEFAULT = {"agents": 0}
    make_agent("globex")
    assert init_agent(api, "support-bot-01", "acme").status_code == 409


def test_refusals_are_counted_in_the_metrics(api, settings):
    from telemetry.metrics import get_metrics, reset_metrics

    reset_metrics()
    settings.QUOTAS_DEFAULT = {"policies": 0}
    create_policy(api, "p", "acme")
    create_policy(api, "q", "acme")
    assert get_metrics().quota_refusals.labels("policies")._value.get() == 2.0
    reset_metrics()
