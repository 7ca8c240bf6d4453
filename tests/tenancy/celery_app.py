"""A Celery app for the integration tests: the machine's Redis (127.0.0.1:6379, database 15) as
broker and result backend, a queue of its own per test run, and a few tasks that report or write
in the tenant they run in."""

import os
import uuid

import redis
from celery import Celery
from celery.signals import task_postrun
from django.db import connections

from agents.models import Agent
from tenancy.context import bind_tenant, get_current_tenant_id

REDIS_URL = os.environ.get("TEST_CELERY_REDIS_URL", "redis://127.0.0.1:6379/15")

app = Celery("tenancy-tests", broker=REDIS_URL, backend=REDIS_URL, fixups=[], set_as_current=False)
app.conf.update(
    task_default_queue=f"tenancy-tests-{uuid.uuid4().hex}",
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_expires=300,
    broker_connection_retry_on_startup=False,
    worker_hijack_root_logger=False,
)


def forget_queue() -> None:
    """Delete what the run left in Redis for its queue (results expire on their own)."""
    client = redis.Redis.from_url(REDIS_URL)
    queue = app.conf.task_default_queue
    keys = list(client.scan_iter(match=f"*{queue}*"))
    if keys:
        client.delete(*keys)
    client.close()


@app.task
def current_tenant():
    return get_current_tenant_id()


@app.task
def create_agent(name: str):
    agent = Agent.objects.create(name=name)
    return [agent.tenant_id, agent.name]


@app.task
def bind_without_reset(tenant_id: str):
    """A task that binds a tenant and never resets it."""
    bind_tenant(tenant_id)
    return get_current_tenant_id()


@task_postrun.connect(weak=False)
def close_worker_connections(sender=None, **kwargs):
    """The worker thread's database connections close after each task (the test database is
    dropped at the end of the run)."""
    if sender is not None and sender.app is app and not sender.request.is_eager:
        connections.close_all()
