"""The current tenant: a ``ContextVar`` bound per request (or per ``with`` block) and reset by token.

A ``ContextVar`` rather than ``threading.local`` so that binding follows the code under both WSGI
threads and ASGI tasks, and so that asgiref's ``sync_to_async`` carries it into sync views.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from .exceptions import NoTenantBound
from .validators import validate_tenant_id

#: What the fail-closed error tells the reader to do, in code and on the command line.
WAYS_OUT = (
    "In code, wrap it in tenancy.context.tenant_context('<tenant id>') (for work that runs later, "
    "see tenancy.deferred). On the command line, run the command inside a tenant: "
    "`manage.py tenant_command <tenant id> <command> [args]` (e.g. `manage.py tenant_command "
    "acme dumpdata agents policies`); `manage.py tenant export <tenant id>` writes every row of "
    "a tenant. (`dumpdata --all` reads through the unscoped base manager: every tenant on "
    "SQLite, but no rows on PostgreSQL, where row-level security holds it.) Admin and system "
    "code that must see every tenant uses the explicitly unscoped manager Model.all_tenants."
)

_current_tenant_id: ContextVar[str | None] = ContextVar("tenancy_current_tenant_id", default=None)


def get_current_tenant_id() -> str | None:
    """The tenant bound to the running code, or ``None`` (system context)."""
    return _current_tenant_id.get()


def require_current_tenant_id(purpose: str = "this query") -> str:
    """The bound tenant; raises ``NoTenantBound`` naming ``purpose`` when none is bound."""
    tenant_id = _current_tenant_id.get()
    if tenant_id is None:
        raise NoTenantBound(f"No tenant is bound for {purpose}. {WAYS_OUT}")
    return tenant_id


def bind_tenant(tenant_id: str | None) -> Token:
    """Bind ``tenant_id`` (validated; ``None`` unbinds) and return the token for ``reset_tenant``.

    Raises ``InvalidTenantId`` for a malformed id. Prefer ``tenant_context``; the middleware uses
    this pair so it can reset in ``finally``.
    """
    if tenant_id is not None:
        validate_tenant_id(tenant_id)
    return _current_tenant_id.set(tenant_id)


def reset_tenant(token: Token) -> None:
    """Restore the binding that was current before ``bind_tenant`` returned ``token``."""
    _current_tenant_id.reset(token)


@contextmanager
def tenant_context(tenant_id: str | None) -> Iterator[str | None]:
    """Run a block as ``tenant_id`` (``None`` = system context, nothing bound).

    For code outside requests: management commands, shells, tasks, tests::

        with tenant_context("acme"):
            Agent.objects.create(name="support-bot-01")   # stamped "acme"

    Raises ``InvalidTenantId`` for a malformed id before binding anything. The previous binding is
    restored on exit, also when the block raises.
    """
    token = bind_tenant(tenant_id)
    try:
        yield tenant_id
    finally:
        reset_tenant(token)
