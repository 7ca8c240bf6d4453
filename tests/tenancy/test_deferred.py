"""``tenancy.deferred``: the tenant captured when work is scheduled, restored when it runs."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction

from agents.models import Agent
from tenancy.context import bind_tenant, get_current_tenant_id, tenant_context
from tenancy.deferred import capture_tenant, in_tenant_later, on_commit, submit
from tenancy.exceptions import NoTenantBound


@pytest.mark.django_db
def test_on_commit_work_runs_in_the_tenant_it_was_scheduled_in(
    django_capture_on_commit_callbacks,
):
    seen = []

    def create_agent():
        seen.append(get_current_tenant_id())
        Agent.objects.create(name="committed-agent")

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with tenant_context("acme"):
            on_commit(create_agent)
        with tenant_context("globex"):
            pass  # the commit happens later, outside both blocks
    assert seen == ["acme"]
    assert list(Agent.all_tenants.values_list("tenant_id", "name")) == [("acme", "committed-agent")]
    assert get_current_tenant_id() is None


def test_scheduling_without_a_tenant_fails_closed():
    with pytest.raises(NoTenantBound, match="No tenant is bound for scheduling"):
        in_tenant_later(get_current_tenant_id)
    with pytest.raises(NoTenantBound, match="No tenant is bound for work scheduled"):
        capture_tenant()


@pytest.mark.django_db
def test_on_commit_without_a_tenant_is_refused_when_scheduled(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(NoTenantBound):
        on_commit(get_current_tenant_id)
    assert callbacks == []


def test_pool_work_runs_in_the_captured_tenant_and_leaves_the_thread_unbound():
    with ThreadPoolExecutor(max_workers=1) as pool:
        with tenant_context("acme"):
            assert submit(pool, get_current_tenant_id).result() == "acme"
        with tenant_context("globex"):
            assert submit(pool, get_current_tenant_id).result() == "globex"
        assert pool.submit(get_current_tenant_id).result() is None


def test_a_raw_bind_inside_pool_work_does_not_stay_on_the_worker_thread():
    with ThreadPoolExecutor(max_workers=1) as pool:
        with tenant_context("acme"):
            submit(pool, bind_tenant, "globex").result()  # bound, never reset
        assert pool.submit(get_current_tenant_id).result() is None


def test_the_binding_is_reset_when_the_work_raises():
    def fail():
        raise ValueError(get_current_tenant_id())

    with ThreadPoolExecutor(max_workers=1) as pool:
        with tenant_context("acme"):
            future = submit(pool, fail)
        with pytest.raises(ValueError, match="acme"):
            future.result()
        assert pool.submit(get_current_tenant_id).result() is None


def test_wrapped_work_runs_in_the_captured_tenant_wherever_it_is_called():
    with tenant_context("acme"):
        job = in_tenant_later(get_current_tenant_id)
    with tenant_context("globex"):
        assert job() == "acme"
        assert get_current_tenant_id() == "globex"
    assert job.captured_tenant.tenant_id == "acme"
    assert job.__name__ == "get_current_tenant_id"


def test_sync_to_async_carries_the_tenant_and_confines_a_raw_bind():
    async def scenario():
        with tenant_context("acme"):
            carried = await sync_to_async(get_current_tenant_id)()
            wrapped = await sync_to_async(in_tenant_later(get_current_tenant_id))()
            await sync_to_async(in_tenant_later(bind_tenant))("globex")
            after = get_current_tenant_id()
        unbound = await sync_to_async(get_current_tenant_id)()
        return carried, wrapped, after, unbound

    assert asyncio.run(scenario()) == ("acme", "acme", "acme", None)
