"""``TenantRateThrottle``: DRF's throttle hook applies the per-tenant rate limits.

DRF runs throttles after authentication and permissions, so only a request that may run is
counted: the principal's tenant, in the class of the operation its view action declares
(``controlplane.api.operations.operation_class``). Public routes and anonymous requests are not
limited. Listed in ``REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]``.
"""

from rest_framework.throttling import BaseThrottle

from controlplane.api.operations import Operation, declared_operation, operation_class, view_handler

from .ratelimiting import rate_check


class TenantRateThrottle(BaseThrottle):
    """Raises 429 ``RATE_LIMITED`` (or 503, see ``quotas.ratelimiting``) instead of returning
    ``False``, so the envelope can name the tenant, the class and the rate."""

    def allow_request(self, request, view) -> bool:
        principal = request.user
        if principal is None:
            return True
        handler = view_handler(view, request.method)
        operation = declared_operation(handler) if handler is not None else None
        if not isinstance(operation, Operation):
            return True
        rate_check(principal.tenant_id, operation_class(operation))
        return True
