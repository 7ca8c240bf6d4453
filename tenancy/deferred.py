"""The tenant in work that runs later: capture it when the work is scheduled, restore it when the
work runs, reset it afterwards.

A ``ContextVar`` follows the code that runs *now*. Work handed to something that runs it later
does not always see the binding it was scheduled under:

- ``transaction.on_commit(fn)`` runs ``fn`` when the outermost transaction commits, which may be
  after the ``tenant_context`` block that scheduled it has exited (then ``fn`` would run with no
  tenant, or another one);
- ``concurrent.futures.ThreadPoolExecutor`` and ``threading.Thread`` run ``fn`` in the worker
  thread's own context, which never saw the binding; and a raw ``bind_tenant()`` without
  ``reset_tenant()`` inside one unit of work would stay bound on that thread for the next unit;
- ``asgiref.sync.sync_to_async`` / ``async_to_sync`` copy the caller's context when called, so the
  tenant is carried already; wrapping is still correct and also confines a raw bind.

``capture_tenant()`` takes the bound tenant (``NoTenantBound`` when none is bound: work that needs
a tenant is never scheduled without one, fail-closed) and returns a ``CapturedTenant`` whose
``run`` / ``wrap`` run a callable in a *fresh copy* of the running context with the captured tenant
bound, reset afterwards, also on errors. Because the callable runs in its own context, whatever it
binds (even without resetting) is gone when it returns::

    from tenancy.deferred import in_tenant_later, on_commit, submit

    with tenant_context("acme"), transaction.atomic():
        agent = Agent.objects.create(name="support-bot-01")
        on_commit(lambda: notify(agent.pk))          # runs as "acme" after the commit
        future = submit(pool, rebuild_index, agent.pk)  # runs as "acme" on a pool thread
        job = in_tenant_later(refresh)               # a callable for any other scheduler

System work that must see every tenant is not scheduled through this module; it uses
``Model.all_tenants`` / ``tenancy.rls.bypass_row_security()`` where it runs.
"""

import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from .context import bind_tenant, require_current_tenant_id, reset_tenant


@dataclass(frozen=True, slots=True)
class CapturedTenant:
    """A tenant captured when work was scheduled (``capture_tenant()``)."""

    tenant_id: str

    def run(self, fn: Callable, /, *args, **kwargs) -> Any:
        """Call ``fn(*args, **kwargs)`` in a fresh copy of the running context with the captured
        tenant bound, and return its result. The binding (and any other context variable ``fn``
        sets) does not outlive the call, also when ``fn`` raises."""
        return contextvars.copy_context().run(self._bound_call, fn, args, kwargs)

    def _bound_call(self, fn: Callable, args: tuple, kwargs: dict) -> Any:
        token = bind_tenant(self.tenant_id)
        try:
            return fn(*args, **kwargs)
        finally:
            reset_tenant(token)

    def wrap(self, fn: Callable) -> Callable:
        """``fn`` as a callable that ``run``\\ s it in the captured tenant (``functools.wraps``)."""

        @functools.wraps(fn)
        def in_captured_tenant(*args, **kwargs):
            return self.run(fn, *args, **kwargs)

        in_captured_tenant.captured_tenant = self
        return in_captured_tenant


def capture_tenant(purpose: str = "work scheduled to run later") -> CapturedTenant:
    """The bound tenant, captured. Raises ``NoTenantBound`` (naming ``purpose``) when none is
    bound: nothing is scheduled that would later run without a tenant."""
    return CapturedTenant(require_current_tenant_id(purpose))


def in_tenant_later(fn: Callable) -> Callable:
    """``fn`` wrapped to run in the tenant bound now (``capture_tenant().wrap(fn)``), for any
    scheduler: ``threading.Thread(target=in_tenant_later(fn))``, ``loop.run_in_executor(None,
    in_tenant_later(fn))``, ``sync_to_async(in_tenant_later(fn))``. Raises ``NoTenantBound``."""
    return capture_tenant(f"scheduling {getattr(fn, '__qualname__', fn)!s}").wrap(fn)


def on_commit(fn: Callable, using: str | None = None, robust: bool = False) -> None:
    """``transaction.on_commit(fn)`` with ``fn`` run in the tenant bound now (not the one bound
    when the transaction happens to commit). Raises ``NoTenantBound``."""
    transaction.on_commit(in_tenant_later(fn), using=using, robust=robust)


def submit(executor: Executor, fn: Callable, /, *args, **kwargs) -> Future:
    """``executor.submit(fn, *args, **kwargs)`` with ``fn`` run in the tenant bound now, in its
    own context on the worker thread (nothing it binds stays on the thread). Raises
    ``NoTenantBound``."""
    return executor.submit(in_tenant_later(fn), *args, **kwargs)
