"""``tenancy.celery_integration`` with a real Celery worker (``celery.contrib.testing``) on the
machine's Redis: tasks run in the tenant they were enqueued in, fail closed without one, and never
inherit the previous task's tenant."""

import subprocess
import sys

import pytest
from celery.contrib.testing.worker import start_worker

from agents.models import Agent
from tenancy import celery_integration
from tenancy.celery_integration import HEADER
from tenancy.context import get_current_tenant_id, tenant_context
from tenancy.exceptions import NoTenantBound
from tests.tenancy import celery_app
from tests.tenancy.celery_app import bind_without_reset, create_agent, current_tenant

TIMEOUT = 20


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    """One solo-pool worker thread for the module: every task runs on the same thread."""
    celery_integration.connect()
    with (
        django_db_blocker.unblock(),
        start_worker(celery_app.app, pool="solo", perform_ping_check=False),
    ):
        yield
    celery_integration.disconnect()
    celery_app.forget_queue()


def result(async_result):
    return async_result.get(timeout=TIMEOUT, disable_sync_subtasks=False)


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_in_a_tenant_writes_rows_of_that_tenant(worker):
    with tenant_context("acme"):
        pending = create_agent.delay("celery-agent-01")
    assert result(pending) == ["acme", "celery-agent-01"]
    assert list(Agent.all_tenants.values_list("tenant_id", "name")) == [("acme", "celery-agent-01")]


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_without_a_tenant_fails_closed(worker):
    pending = create_agent.delay("celery-agent-02")
    with pytest.raises(NoTenantBound, match="Cannot create Agent: no tenant is bound"):
        result(pending)
    assert Agent.all_tenants.count() == 0


def test_the_next_task_on_the_worker_never_inherits_a_tenant(worker):
    with tenant_context("acme"):
        assert result(bind_without_reset.delay("globex")) == "globex"
    assert result(current_tenant.delay()) is None
    with tenant_context("initech"):
        assert result(current_tenant.delay()) == "initech"
    assert result(current_tenant.delay()) is None


def test_system_code_names_the_tenant_in_the_headers(worker):
    assert result(current_tenant.apply_async(headers={HEADER: "initech"})) == "initech"
    with tenant_context("acme"):
        assert result(current_tenant.apply_async(headers={HEADER: "initech"})) == "initech"


def test_a_malformed_tenant_header_runs_the_task_with_none_bound(worker):
    assert result(current_tenant.apply_async(headers={HEADER: "not a tenant"})) is None


def test_eager_tasks_run_in_the_callers_tenant():
    celery_integration.connect()
    try:
        with tenant_context("acme"):
            assert current_tenant.apply().get() == "acme"
            assert get_current_tenant_id() == "acme"
        assert current_tenant.apply().get() is None
    finally:
        celery_integration.disconnect()


def test_tenancy_imports_without_celery_installed():
    """Every tenancy module imports with Celery hidden, except the integration, which says what
    to install."""
    script = (
        "import sys, pkgutil, importlib, django\n"
        "sys.modules['celery'] = None\n"
        "django.setup()\n"
        "import tenancy\n"
        "names = [m.name for m in pkgutil.walk_packages(tenancy.__path__, 'tenancy.')]\n"
        "for name in names:\n"
        "    if name != 'tenancy.celery_integration':\n"
        "        importlib.import_module(name)\n"
        "try:\n"
        "    import tenancy.celery_integration\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
        "print(len(names) > 20)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.splitlines() == [
        "tenancy.celery_integration needs Celery (pip install celery); the rest of tenancy does "
        "not.",
        "True",
    ]
