"""Operators set a tenant's overrides by command and in the admin, and see its usage against the
limits in force; bad settings are reported by the checks."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from quotas.checks import check_quotas, check_tenant_rates
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


RATES_OFF = (
    "Rate limits are not enforced: no Redis is configured (CONTROLPLANE_REDIS_URL, setting "
    "QUOTAS_REDIS_URL), so no rate applies to any request."
)


def test_show_lists_usage_against_the_limits_in_force(settings):
    settings.QUOTAS_DEFAULT = {"agents": 10, "controls": 100}
    settings.QUOTAS_RATE_LIMITS = {"runtime": "100/second"}
    settings.QUOTAS_REDIS_URL = "redis://127.0.0.1:6379/14"
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


def test_show_and_set_say_when_rates_are_not_enforced(settings):
    settings.QUOTAS_REDIS_URL = None
    assert run("show", "acme").splitlines()[-1] == RATES_OFF
    assert run("set", "acme", "--read-rate", "5/second").splitlines()[-2:] == [
        "write_rate                -  unlimited",
        RATES_OFF,
    ]


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
        (("--max-agents", "²"), "--max-agents takes an integer >= 0 or 'default'."),
        (
            ("--read-rate", "fast"),
            "--read-rate: 'fast' is not a rate; write e.g. '100/second', '5 per 10 seconds' or "
            "'600/minute'.",
        ),
        (
            ("--read-rate", "fast", "--write-rate", "0/second"),
            "--read-rate: 'fast' is not a rate; write e.g. '100/second', '5 per 10 seconds' or "
            "'600/minute'. --write-rate: '0/second' is not a rate; write e.g. '100/second', "
            "'5 per 10 seconds' or '600/minute'.",
        ),
        (
            ("--max-agents", "99999999999999999999"),
            "--max-agents: Ensure this value is less than or equal to {max_agents}.",
        ),
        ((), "Nothing to set: pass at least one --max-* or --*-rate option."),
    ],
)
def test_set_refuses_bad_values_readably_and_writes_nothing(args, message):
    with pytest.raises(CommandError) as raised:
        run("set", "acme", *args)
    _, max_agents = connection.ops.integer_field_range("PositiveIntegerField")
    assert str(raised.value) == message.format(max_agents=max_agents)
    assert TenantLimits.all_tenants.count() == 0


def test_a_malformed_tenant_is_refused():
    with pytest.raises(CommandError) as raised:
        run("set", "bad tenant", "--max-agents", "1")
    assert str(raised.value) == "Tenant id may only contain letters, digits, '.', '_', ':' and '-'."


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
        follow=True,
    )
    row = TenantLimits.all_tenants.get()
    assert (row.tenant_id, row.max_controls, row.read_rate) == ("globex", 7, "10/second")
    assert [str(m) for m in response.context["messages"]] == [
        f'The tenant limits override “<a href="/admin/quotas/tenantlimits/{row.pk}/change/">'
        "globex</a>” was added successfully."
    ]


def fieldsets(response) -> list[tuple]:
    return [
        (fieldset.name, fieldset.description, [tuple(line.fields) for line in fieldset])
        for fieldset in response.context["adminform"]
    ]


def test_the_admin_form_puts_the_tenant_first_and_says_when_rates_are_off(operator, settings):
    settings.QUOTAS_REDIS_URL = None
    with tenant_context("acme"):
        limits = TenantLimits.objects.create(read_rate="10/second")
    change = operator.get(f"/admin/quotas/tenantlimits/{limits.pk}/change/")
    assert fieldsets(change) == [
        (None, None, [("tenant_id",)]),
        ("Quotas", None, [("max_agents",), ("max_controls",), ("max_policies",), ("max_events",)]),
        ("Rate limits", RATES_OFF, [("runtime_rate",), ("read_rate",), ("write_rate",)]),
        ("In force", None, [("usage",), ("updated_at",)]),
    ]
    assert RATES_OFF in change.content.decode()
    add = operator.get("/admin/quotas/tenantlimits/add/globex/")
    assert [name for name, _, _ in fieldsets(add)] == ["Quotas", "Rate limits", "In force"]
    assert "<div>agents: 0 of unlimited</div>" in add.content.decode()
    settings.QUOTAS_REDIS_URL = "redis://127.0.0.1:6379/14"
    change = operator.get(f"/admin/quotas/tenantlimits/{limits.pk}/change/")
    assert fieldsets(change)[2][1] is None
    assert "not enforced" not in change.content.decode()


def test_help_texts_name_the_environment_variables():
    help_texts = {
        f.name: f.help_text
        for f in TenantLimits._meta.get_fields()
        if f.name.endswith(("_rate", "_agents"))
    }
    assert help_texts == {
        "max_agents": "Most agents the tenant may keep; empty: the global default (environment "
        "variable CONTROLPLANE_QUOTAS, setting QUOTAS_DEFAULT).",
        "runtime_rate": "Requests of the runtime (evaluation, initAgent, control refresh, event "
        "ingest) class, e.g. '100/second' or '5 per 10 seconds'; empty: the global default "
        "(environment variable CONTROLPLANE_RATE_LIMITS, setting QUOTAS_RATE_LIMITS). Enforced "
        "only with CONTROLPLANE_REDIS_URL set.",
        "read_rate": "Requests of the read class, e.g. '100/second' or '5 per 10 seconds'; empty: "
        "the global default (environment variable CONTROLPLANE_RATE_LIMITS, setting "
        "QUOTAS_RATE_LIMITS). Enforced only with CONTROLPLANE_REDIS_URL set.",
        "write_rate": "Requests of the write class, e.g. '100/second' or '5 per 10 seconds'; "
        "empty: the global default (environment variable CONTROLPLANE_RATE_LIMITS, setting "
        "QUOTAS_RATE_LIMITS). Enforced only with CONTROLPLANE_REDIS_URL set.",
    }


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


def test_tenant_rates_without_redis_are_a_database_check_warning(settings):
    settings.QUOTAS_REDIS_URL = None
    assert check_tenant_rates(databases=["default"]) == []
    with tenant_context("acme"):
        TenantLimits.objects.create(max_agents=5)
    assert check_tenant_rates(databases=["default"]) == []
    for tenant in ("globex", "acme-2"):
        with tenant_context(tenant):
            TenantLimits.objects.create(write_rate="5/second")
    [warning] = check_tenant_rates(databases=["default"])
    assert (warning.id, warning.level, warning.msg) == (
        "quotas.W002",
        checks.WARNING,
        "Rate overrides of 2 tenant(s) (acme-2, globex) are not enforced: QUOTAS_REDIS_URL is "
        "not set, so no rate limit is applied.",
    )
    assert check_tenant_rates(databases=None) == []
    settings.QUOTAS_REDIS_URL = "redis://127.0.0.1:6379/14"
    assert check_tenant_rates(databases=["default"]) == []


def test_checks_pass_with_redis_and_good_values(settings):
    settings.QUOTAS_DEFAULT = {"agents": 10, "events": None}
    settings.QUOTAS_RATE_LIMITS = {"runtime": "100/second", "write": "5 per 10 seconds"}
    settings.QUOTAS_REDIS_URL = "redis://127.0.0.1:6379/14"
    assert check_quotas() == []
