"""Evaluations by decision and errors, per-tenant series behind a bounded setting, and the
database pool gauges."""

import pytest
from django.db import connection

from policies.models import Control
from telemetry import pool
from telemetry.metrics import decision_of
from tenancy.context import tenant_context
from tests.definitions import control_data
from tests.evaluation.evaluation_helpers import SECRET, attach, evaluate, llm
from tests.evaluation.test_evaluation_errors_and_tenancy import evaluate_raw_output
from tests.factories import make_agent, make_control
from tests.telemetry.scrape import PREFIX

pytestmark = pytest.mark.django_db


def guarded_agent(tenant: str, name: str, decision: str | None, **action):
    agent = make_agent(tenant, name)
    if decision is not None:
        data = control_data(SECRET["condition"], decision=decision, **action)
        attach(agent, make_control(tenant, f"{decision}-secret", data))
    return agent


def test_evaluations_are_counted_by_decision(api, scrape):
    guarded_agent("acme", "deny-bot-0001", "deny")
    guarded_agent("acme", "steer-bot-0001", "steer", steering_context={"message": "ask first"})
    guarded_agent("acme", "watch-bot-0001", "observe")
    guarded_agent("acme", "plain-bot-0001", None)
    for agent, times in (("deny-bot-0001", 3), ("steer-bot-0001", 2), ("watch-bot-0001", 1)):
        for _ in range(times):
            assert evaluate(api, llm("my secret"), agent=agent, tenant="acme").status_code == 200
    assert evaluate(api, llm("hello"), agent="deny-bot-0001", tenant="acme").status_code == 200
    assert evaluate(api, llm("x"), agent="plain-bot-0001", tenant="acme").status_code == 200
    assert evaluate(api, llm("x"), agent="missing-bot-01", tenant="acme").status_code == 404
    result = scrape()
    assert result.series(f"{PREFIX}_evaluations_total", "decision") == {
        ("deny",): 3.0,
        ("steer",): 2.0,
        ("observe",): 1.0,
        ("allow",): 2.0,
    }
    assert result.series(f"{PREFIX}_evaluation_errors_total", "kind") == {
        ("evaluator",): 0.0,
        ("failed",): 0.0,
    }


def test_evaluation_error_kinds_are_exposed_at_zero_before_any_evaluation(scrape):
    assert scrape().series(f"{PREFIX}_evaluation_errors_total", "kind") == {
        ("evaluator",): 0.0,
        ("failed",): 0.0,
    }


def test_evaluator_errors_and_evaluations_without_a_verdict_are_errors(api, client, scrape):
    assert evaluate_raw_output(client, '"lone \\ud800 secret"').status_code == 200
    control = Control.all_tenants.get(name="block-secret")
    with tenant_context("default-tenant"):
        Control.objects.filter(pk=control.pk).update(data={"execution": "server"})
    assert evaluate(api, llm("hi")).status_code == 422
    result = scrape()
    assert result.series(f"{PREFIX}_evaluation_errors_total", "kind") == {
        ("evaluator",): 1.0,
        ("failed",): 1.0,
    }
    assert result.series(f"{PREFIX}_evaluations_total", "decision") == {("allow",): 1.0}


@pytest.mark.parametrize(
    ("actions", "decision"),
    [
        ([], "allow"),
        (["observe"], "observe"),
        (["observe", "steer"], "steer"),
        (["steer", "deny", "observe"], "deny"),
    ],
)
def test_the_decision_is_the_strongest_matching_action(actions, decision):
    assert decision_of({"matches": [{"action": a} for a in actions] or None}) == decision


def test_per_tenant_series_are_off_by_default(api, scrape):
    api.get("/api/v1/agents", tenant="acme")
    assert not {name for name in scrape().names() if "_tenant_" in name}


def test_per_tenant_series_label_at_most_the_bound_and_the_rest_are_other(api, scrape, settings):
    settings.TELEMETRY_TENANT_SERIES = 2
    for tenant in ("t1", "t2", "t3", "t4"):
        assert api.get("/api/v1/controls", tenant=tenant).status_code == 200
    init = {"agent": {"agent_name": "support-bot-01"}, "steps": []}
    assert api.post("/api/v1/agents/initAgent", init, tenant="t1").status_code == 200
    assert api.put("/api/v1/policies", {"name": "p"}, tenant="t3").status_code == 200
    assert api.put("/api/v1/policies", {"name": "p"}, tenant="t3").status_code == 409
    assert evaluate(api, llm("x"), tenant="t4").status_code == 404
    assert evaluate(api, llm("x"), tenant="t1").status_code == 200
    result = scrape()
    assert result.series(
        f"{PREFIX}_tenant_requests_total", "tenant", "operation_class", "status_code"
    ) == {
        ("t1", "read", "200"): 1.0,
        ("t2", "read", "200"): 1.0,
        ("other", "read", "200"): 2.0,
        ("t1", "runtime", "200"): 2.0,
        ("other", "write", "200"): 1.0,
        ("other", "write", "409"): 1.0,
        ("other", "runtime", "404"): 1.0,
    }
    assert result.series(f"{PREFIX}_tenant_evaluations_total", "tenant", "decision") == {
        ("t1", "allow"): 1.0
    }
    # The main series keep no tenant label.
    assert {
        tuple(sorted(lab)) for n, lab, _ in result.samples if n == f"{PREFIX}_requests_total"
    } == {("app_name", "method", "path", "status_code")}


class FakePool:
    def __init__(self, **stats):
        self.stats = stats

    def get_stats(self):
        return dict(self.stats)


def test_pool_gauges_report_lent_open_and_waiting_connections(scrape, monkeypatch):
    monkeypatch.setattr(
        pool,
        "configured_pools",
        lambda: [("default", FakePool(pool_size=4, pool_available=1, requests_waiting=2))],
    )
    result = scrape()
    assert result.value(f"{PREFIX}_db_pool_connections_in_use", pool_name="default") == 3.0
    assert result.value(f"{PREFIX}_db_pool_connections", pool_name="default") == 4.0
    assert result.value(f"{PREFIX}_db_pool_requests_waiting", pool_name="default") == 2.0


def test_pool_samples_exist_only_for_a_database_with_a_pool(scrape):
    """PostgreSQL runs with Django's pool (settings); SQLite has none, so no samples."""
    expected = ["default"] if connection.vendor == "postgresql" else []
    assert [alias for alias, _ in pool.configured_pools()] == expected
    series = scrape().series(f"{PREFIX}_db_pool_connections_in_use", "pool_name")
    assert [labels[0] for labels in series] == expected


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg_pool")
def test_pool_gauges_follow_a_real_psycopg_pool(metrics, monkeypatch):
    from psycopg_pool import ConnectionPool

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    real = ConnectionPool(kwargs=params, min_size=0, max_size=3, open=True)
    monkeypatch.setattr(pool, "configured_pools", lambda: [("default", real)])
    try:
        first, second = real.getconn(), real.getconn()
        pool.sample_pools(metrics)
        lent = metrics.pool_in_use.labels("default")._value.get()
        real.putconn(first)
        real.putconn(second)
        pool.sample_pools(metrics)
        assert (lent, metrics.pool_in_use.labels("default")._value.get()) == (2.0, 0.0)
        assert metrics.pool_size.labels("default")._value.get() == 2.0
    finally:
        real.close()
