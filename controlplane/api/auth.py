"""DRF's view of the caller: one authentication class that reads what ``TenantMiddleware`` already
resolved, and one permission class that checks the declared operation.

- ``PrincipalAuthentication`` authenticates nothing itself: it returns
  ``(request.principal, request.principal)`` (``request.user`` and ``request.auth``), or ``None``
  for an anonymous request. Credentials are checked once, by ``TENANCY_AUTHENTICATOR`` in the
  middleware.
- ``OperationPermission`` finds the operation the answering action declared
  (``controlplane.api.operations``): public actions pass; an anonymous caller is a 401
  ``AUTH_MISSING_KEY``; a principal that is not granted the operation is a 403
  ``AUTH_INSUFFICIENT_PRIVILEGES``, both in the API envelope, as the reference answers.

``require_target`` is the check of a target-bound principal (a runtime token) against the target a
request names.
"""

from django.core.exceptions import ImproperlyConfigured
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from tenancy.principals import Principal

from .exceptions import APIError, ErrorCode
from .operations import PUBLIC, declared_operation, view_handler

#: The ``WWW-Authenticate`` challenge of every 401, as the reference sends it.
API_KEY_CHALLENGE = "ApiKey"
MISSING_DETAIL = (
    "Missing credentials. Provide the 'X-API-Key' header, or an 'Authorization: Bearer <token>' "
    "header when the server verifies tokens."
)
MISSING_HINT = "Include the 'X-API-Key' header with a valid API key of your tenant."


def missing_credentials() -> APIError:
    """401 ``AUTH_MISSING_KEY``: the route needs a credential and the request has none."""
    return APIError(
        401, ErrorCode.AUTH_MISSING_KEY, MISSING_DETAIL, hint=MISSING_HINT, details=False
    )


def insufficient_privileges(principal: Principal, operation: str) -> APIError:
    """403 ``AUTH_INSUFFICIENT_PRIVILEGES``: ``principal`` is not granted ``operation``."""
    if principal.kind == "runtime_token":
        detail = f"Runtime token does not grant '{operation}'."
        hint = "Use an API key for this operation; runtime tokens only evaluate."
    else:
        detail = "This operation requires admin privileges."
        hint = "Use an admin API key for this operation."
    return APIError(403, ErrorCode.AUTH_INSUFFICIENT_PRIVILEGES, detail, hint=hint, details=False)


def require_target(principal: Principal | None, target_type, target_id) -> None:
    """Refuse a target-bound principal (a runtime token) whose target differs from the request's
    ``(target_type, target_id)``: 403 ``AUTH_INSUFFICIENT_PRIVILEGES``, type checked first, as the
    reference. Principals bound to no target pass."""
    if principal is None or not principal.is_target_bound:
        return
    for field, bound, requested in (
        ("target_type", principal.target_type, target_type),
        ("target_id", principal.target_id, target_id),
    ):
        if bound != requested:
            raise APIError(
                403,
                ErrorCode.AUTH_INSUFFICIENT_PRIVILEGES,
                f"Runtime token {field} does not match the request.",
                hint="Re-exchange a token bound to the request target.",
                details=False,
            )


class PrincipalAuthentication(BaseAuthentication):
    """``DEFAULT_AUTHENTICATION_CLASSES``: the middleware's principal as ``request.user`` and
    ``request.auth`` (see the module docstring)."""

    def authenticate(self, request):
        principal = getattr(request._request, "principal", None)
        return None if principal is None else (principal, principal)

    def authenticate_header(self, request) -> str:
        return API_KEY_CHALLENGE


class OperationPermission(BasePermission):
    """``DEFAULT_PERMISSION_CLASSES``: the caller must be granted the operation the answering
    action declared (see the module docstring). A method the view does not route passes, so DRF
    answers its 405; a routed action that declares nothing raises ``ImproperlyConfigured``."""

    def has_permission(self, request, view) -> bool:
        handler = view_handler(view, request.method)
        if handler is None:
            return True
        operation = declared_operation(handler)
        if operation is None:
            raise ImproperlyConfigured(
                f"{type(view).__name__}.{handler.__name__} declares no operation; decorate it "
                "with @requires(Operation.<...>) or @public (controlplane.api.operations)."
            )
        if operation == PUBLIC:
            return True
        principal = request.user
        if principal is None:
            raise missing_credentials()
        if not principal.allows(operation):
            raise insufficient_privileges(principal, operation)
        return True
