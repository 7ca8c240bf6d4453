"""Operators set a tenant's overrides by command and in the admin, and see its usage against the
limits in force; bad settings are reported by the checks."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from quotas.checks import check_quotas
from quotas.models import TenantLimits
from quotas.usage import tenant_usage
from tenancy.context import tenant_context
from tests.factories import make_agent, make_control, make_policy

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("tenantlimits", *args, stdout=out)
    return out.getvalue()


def test_show_lists_usage_against_the_limits_in_force(settings):
    settings.QUOTAS_DEFAULT = {"agents": 10, "controls": 100}
    settings.QUOTAS_RATE_LIMITS = {"runtime": "100/second"}
    make_agent("acme", "support-bot-01")
    make_control("acme", "block-secret")
    make_policy("globex")
    assert run("show", "acme") == (
        "limit                  used  in force\n"
        "max_agents                1  10\n"
        "max_controls              1  100\n"
        "max_policies              0  unlimited\n"
        "max_events                0  unlimited\n"
        "runtime_rate              -  100 per second\n"
        "read_rate                 -  unlimited\n"
        "write_rate                -  unlimited\n"
    )


def test_set_overrides_and_default_restores_the_global_value(settings):
    settings.QUOTAS_DEFAULT = {"agents": 10}
    out = run("set", "acme", "--max-agents", "2", "--write-rate", "5 per 10 seconds")
    assert "max_agents                0  2 (tenant)\n" in out
    assert "write_rate                -  5 per 10 seconds (tenant)\n" in out
    with tenant_context("acme"):
        limits = TenantLimits.objects.get()
    assert (limits.max_agents, limits.write_rate) == (2, "5 per 10 seconds")
    run("set", "acme", "--max-agents", "default")
    limits.refresh_from_db()
    assert (limits.max_agents, limits.write_rate) == (None, "5 per 10 seconds")
    assert run("list") == "acme: write_rate=5 per 10 seconds\n"
    assert run("clear", "acme") == "acme: overrides removed.\n"
    assert run("clear", "acme") == "acme: no overrides.\n"
    assert TenantLimits.all_tenants.count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--max-agents", "-1"), "--max-agents takes an integer >= 0 or 'default'."),
        (("--read-rate", "fast"), "'fast' is not a rate"),
        ((), "Nothing to set"),
    ],
)
def test_set_refuses_bad_values_and_writes_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        run("set", "acme", *args)
    assert TenantLimits.all_tenants.count() == 0


def test_a_malformed_tenant_is_refused():
    with pytest.raises(CommandError, match="Tenant id may only contain"):
        run("set", "bad tenant", "--max-agents", "1")


def test_the_admin_lists_overrides_and_shows_usage(operator, settings):
    settings.QUOTAS_DEFAULT = {"policies": 3}
    make_policy("acme")
    with tenant_context("acme"):
        limits = TenantLimits.objects.create(max_agents=5, runtime_rate="50/second")
    listing = operator.get("/admin/quotas/tenantlimits/").content.decode()
    assert "acme" in listing and "50/second" in listing
    page = operator.get(f"/admin/quotas/tenantlimits/{limits.pk}/change/").content.decode()
    assert "<div>agents: 0 of 5 (tenant)</div>" in page
    assert "<div>policies: 1 of 3</div>" in page
    assert "<div>runtime requests: - of 50 per second (tenant)</div>" in page


def test_the_admin_adds_overrides_for_a_tenant(operator):
    response = operator.post(
        "/admin/quotas/tenantlimits/add/",
        {"tenant_id": "globex", "max_controls": "7", "read_rate": "10/second"},
    )
    assert response.status_code == 302
    row = TenantLimits.all_tenants.get()
    assert (row.tenant_id, row.max_controls, row.read_rate) == ("globex", 7, "10/second")


def test_the_admin_refuses_a_malformed_rate(operator):
    response = operator.post(
        "/admin/quotas/tenantlimits/add/", {"tenant_id": "globex", "read_rate": "often"}
    )
    assert response.status_code == 200
    assert "is not a rate" in response.content.decode()
    assert TenantLimits.all_tenants.count() == 0


def test_usage_for_the_tenant_overview(settings):
    settings.QUOTAS_DEFAULT = {"agents": 1}
    make_agent("acme")
    [agents, *_] = tenant_usage("acme")
    assert (agents.resource, agents.used, agents.limit, agents.source, agents.at_limit) == (
        "agents",
        1,
        1,
        "default",
        True,
    )


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("QUOTAS_DEFAULT", {"robots": 1}, "quotas.E001"),
        ("QUOTAS_DEFAULT", {"agents": -1}, "quotas.E001"),
        ("QUOTAS_DEFAULT", {"agents": "many"}, "quotas.E001"),
        ("QUOTAS_RATE_LIMITS", {"runtime": "fast"}, "quotas.E002"),
        ("QUOTAS_RATE_LIMITS", {"admin": "1/second"}, "quotas.E002"),
        ("QUOTAS_RATE_LIMITS", {"runtime": "1/second"}, "quotas.W001"),
    ],
)
def test_checks_report_bad_settings(settings, name, value, problem):
    settings.QUOTAS_REDIS_URL = None
    setattr(settings, name, value)
    assert [m.id for m in check_quotas()] == [problem]


def test_checks_pass_with_redis_and_good_values(settings):
    settings.QUOTAS_DEFAULT = {"agents": 10, "events": None}
    settings.QUOTAS_RATE_LIMITS = {"runtime": "100/second", "write": "5 per 10 seconds"}
    settings.QUOTAS_REDIS_URL = "redis://127.0.0.1:6379/14"
    assert check_quotas() == []
