"""The operation vocabulary of the reference server (8.15), and how a view action declares its
operation.

Every routed view action says what it does, next to its definition::

    @requires(Operation.CONTROLS_READ)
    @documented("get_control", ...)
    def retrieve(self, request, control_id): ...

    @public                       # no credential needed: /health, GET /controls/schema
    def get(self, request): ...

``controlplane.api.auth.OperationPermission`` checks the declared operation against the
caller's principal; ``APIRouter`` marks routes whose every action is public as
``credentials_optional`` for ``TenantMiddleware``. A routed action that declares nothing is a
configuration error (``ImproperlyConfigured``), never an open door.

Operations fall into three **classes** (``operation_class``), which rate limits and per-tenant
metrics count separately: ``runtime`` (what the SDK calls while an agent runs: evaluation, the
runtime token exchange, initAgent, the agent reads behind its control refresh, event ingest),
``write`` (every other create, update and delete) and ``read`` (every other read).
"""

from enum import StrEnum

#: The attribute ``requires`` / ``public`` set on a view method.
OPERATION_ATTR = "operation"
#: The declared "operation" of a public action.
PUBLIC = "public"


class Operation(StrEnum):
    """The reference's operations (wire strings are stable: runtime tokens carry them)."""

    CONTROLS_READ = "controls.read"
    CONTROLS_CREATE = "controls.create"
    CONTROLS_UPDATE = "controls.update"
    CONTROLS_DELETE = "controls.delete"
    POLICIES_READ = "policies.read"
    POLICIES_CREATE = "policies.create"
    POLICIES_UPDATE = "policies.update"
    AGENTS_READ = "agents.read"
    AGENTS_CREATE = "agents.create"
    AGENTS_UPDATE = "agents.update"
    EVALUATORS_READ = "evaluators.read"
    OBSERVABILITY_READ = "observability.read"
    OBSERVABILITY_WRITE = "observability.write"
    CONTROL_BINDINGS_READ = "control_bindings.read"
    CONTROL_BINDINGS_WRITE = "control_bindings.write"
    RUNTIME_USE = "runtime.use"
    RUNTIME_TOKEN_EXCHANGE = "runtime.token_exchange"


class OperationClass(StrEnum):
    """The classes operations are counted in (see the module docstring)."""

    RUNTIME = "runtime"
    READ = "read"
    WRITE = "write"


_RUNTIME_OPERATIONS = frozenset(
    {
        Operation.RUNTIME_USE,
        Operation.RUNTIME_TOKEN_EXCHANGE,
        Operation.AGENTS_CREATE,
        Operation.AGENTS_READ,
        Operation.OBSERVABILITY_WRITE,
    }
)
_WRITE_SUFFIXES = (".create", ".update", ".delete", ".write")


def operation_class(operation: Operation) -> OperationClass:
    """The class of ``operation``: ``runtime``, ``write`` or ``read`` (module docstring)."""
    if operation in _RUNTIME_OPERATIONS:
        return OperationClass.RUNTIME
    if operation.value.endswith(_WRITE_SUFFIXES):
        return OperationClass.WRITE
    return OperationClass.READ


def requires(operation: Operation):
    """Decorate a view method: calling it needs ``operation``."""
    if not isinstance(operation, Operation):
        raise TypeError(f"requires() needs an Operation member, got {operation!r}.")

    def declare(method):
        setattr(method, OPERATION_ATTR, operation)
        return method

    return declare


def public(method):
    """Decorate a view method: anyone may call it, with or without a credential."""
    setattr(method, OPERATION_ATTR, PUBLIC)
    return method


def declared_operation(method) -> Operation | str | None:
    """What ``method`` declared: an ``Operation``, ``PUBLIC``, or ``None`` (nothing)."""
    return getattr(method, OPERATION_ATTR, None)


def view_handler(view, method: str):
    """The method of ``view`` that will answer HTTP ``method``: the viewset action bound to it,
    or the APIView's handler; ``None`` when the method is not routed (DRF answers 405)."""
    actions = getattr(view, "action_map", None)
    if actions is not None:
        action = actions.get(method.lower())
        return getattr(view, action, None) if action else None
    if method.lower() not in view.http_method_names or method.upper() == "OPTIONS":
        return None
    return getattr(view, method.lower(), None)
