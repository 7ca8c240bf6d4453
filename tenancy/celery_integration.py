"""Celery integration: a task runs in the tenant that was bound when it was enqueued.

Celery is an optional dependency: nothing else in ``tenancy`` imports this module, and importing
it without Celery installed raises ``ImportError`` saying so. Connect it once, where the Celery app
is defined::

    # proj/celery.py
    app = Celery("proj")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    tenancy.celery_integration.connect()

- **Publish** (``before_task_publish``): the tenant bound in the publishing code is put in the
  message headers as ``tenancy_tenant_id`` (a header set explicitly by the caller,
  ``apply_async(headers={"tenancy_tenant_id": "acme"})``, is kept: that is how system code
  schedules work for a tenant). Nothing bound: no header.
- **Run** (``task_prerun`` / ``task_postrun``, on the worker): each task starts with exactly the
  header's tenant bound, or none at all when the message has no (valid) header: then the scoped
  managers raise ``NoTenantBound`` and row-level security shows no rows (fail-closed). After the
  task, success or failure, the binding is reset by token to what it was before the task, which
  also undoes a raw ``bind_tenant()`` the task left behind: the next task on the same worker
  never inherits a tenant.
- **Eager** tasks (``task_always_eager``, ``Task.apply()``) run in the caller's context without a
  message; they run in the caller's bound tenant.
"""

import logging

try:
    from celery import signals
except ImportError as exc:  # pragma: no cover - exercised with celery hidden
    raise ImportError(
        "tenancy.celery_integration needs Celery (pip install celery); the rest of tenancy does "
        "not."
    ) from exc

from .context import bind_tenant, get_current_tenant_id, reset_tenant
from .exceptions import InvalidTenantId
from .validators import validate_tenant_id

HEADER = "tenancy_tenant_id"
_TOKEN_ATTRIBUTE = "_tenancy_token"

logger = logging.getLogger(__name__)


def header_tenant(request) -> str | None:
    """The tenant id carried by a task request's headers, validated; ``None`` when absent or
    malformed (logged: the task then runs with no tenant bound)."""
    value = (getattr(request, "headers", None) or {}).get(HEADER, getattr(request, HEADER, None))
    if value is None:
        return None
    try:
        return validate_tenant_id(value)
    except InvalidTenantId as exc:
        logger.error("Task %s carries an invalid tenant header: %s", request.id, exc)
        return None


def put_tenant_in_headers(sender=None, headers=None, **kwargs) -> None:
    """``before_task_publish`` receiver: add the bound tenant to the message headers."""
    tenant_id = get_current_tenant_id()
    if tenant_id is not None and headers is not None:
        headers.setdefault(HEADER, tenant_id)


def bind_task_tenant(sender=None, task_id=None, task=None, **kwargs) -> None:
    """``task_prerun`` receiver: bind the header's tenant (or none) for the task's run."""
    request = task.request
    tenant_id = header_tenant(request)
    if tenant_id is None and request.is_eager:
        tenant_id = get_current_tenant_id()
    setattr(request, _TOKEN_ATTRIBUTE, bind_tenant(tenant_id))


def reset_task_tenant(sender=None, task_id=None, task=None, **kwargs) -> None:
    """``task_postrun`` receiver (sent after success and failure): reset the binding."""
    token = getattr(task.request, _TOKEN_ATTRIBUTE, None)
    if token is not None:
        setattr(task.request, _TOKEN_ATTRIBUTE, None)
        reset_tenant(token)


def connect() -> None:
    """Connect the three receivers (idempotent)."""
    signals.before_task_publish.connect(put_tenant_in_headers, dispatch_uid=f"{__name__}.publish")
    signals.task_prerun.connect(bind_task_tenant, dispatch_uid=f"{__name__}.prerun")
    signals.task_postrun.connect(reset_task_tenant, dispatch_uid=f"{__name__}.postrun")


def disconnect() -> None:
    """Disconnect them (tests)."""
    signals.before_task_publish.disconnect(dispatch_uid=f"{__name__}.publish")
    signals.task_prerun.disconnect(dispatch_uid=f"{__name__}.prerun")
    signals.task_postrun.disconnect(dispatch_uid=f"{__name__}.postrun")
