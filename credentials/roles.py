"""Roles of a credential and the operations each grants.

- ``admin``: every operation.
- ``runtime``: what the SDK needs at run time: register and re-register agents (``initAgent``:
  the SDK re-registers on every start, so unlike the reference a runtime key may overwrite its
  agents' registration), every read, evaluation, runtime token exchange and observability
  ingest. Creating, changing or deleting controls, policies and links, and changing an agent
  (``PATCH``), are refused with 403 ``AUTH_INSUFFICIENT_PRIVILEGES``, as the reference's
  non-admin keys.
"""

from controlplane.api.operations import Operation
from tenancy.principals import EVERY_OPERATION

ADMIN = "admin"
RUNTIME = "runtime"
ROLES = (ADMIN, RUNTIME)
ROLE_CHOICES = [(ADMIN, "admin: every operation"), (RUNTIME, "runtime: what the SDK needs")]

RUNTIME_OPERATIONS = frozenset(
    {
        Operation.AGENTS_CREATE,
        Operation.AGENTS_READ,
        Operation.CONTROLS_READ,
        Operation.POLICIES_READ,
        Operation.EVALUATORS_READ,
        Operation.CONTROL_BINDINGS_READ,
        Operation.OBSERVABILITY_READ,
        Operation.OBSERVABILITY_WRITE,
        Operation.RUNTIME_USE,
        Operation.RUNTIME_TOKEN_EXCHANGE,
    }
)
SCOPES = {ADMIN: frozenset({EVERY_OPERATION}), RUNTIME: RUNTIME_OPERATIONS}


def scopes_of(role: str) -> frozenset[str]:
    """The operations ``role`` grants; ``KeyError`` for an unknown role."""
    return SCOPES[role]
