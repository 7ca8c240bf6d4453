"""``APIAutoSchema``: drf-spectacular's ``AutoSchema`` for an API that never answers a bare list,
with the API's security schemes and its ``X-Tenant-Id`` header.

Every collection route of the reference's API answers an object (``{"agents": [...],
"pagination": {...}}``, a map of evaluators, ...). drf-spectacular guesses that a viewset's ``list``
action returns an array and wraps the documented response in one; here a response is a list only
when its declared model is.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import is_list_serializer
from drf_spectacular.utils import OpenApiParameter

from tenancy.authentication import get_authenticator
from tenancy.validators import TENANT_ID_MAX_LENGTH

from .operations import PUBLIC, declared_operation, view_handler

#: A tenant id (``tenancy.validators``) with the spaces or tabs the resolver strips around it, or
#: nothing (blank: the default tenant).
TENANT_HEADER_PATTERN = rf"^[ \t]*([A-Za-z0-9._:-]{{1,{TENANT_ID_MAX_LENGTH}}}[ \t]*)?$"

TENANT_HEADER = OpenApiParameter(
    "X-Tenant-Id",
    {"type": "string", "pattern": TENANT_HEADER_PATTERN},
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "The tenant to act as. Header mode (development): names the tenant; omitted, "
        "'default-tenant'. API-key and JWT modes: the credential decides the tenant; the header "
        "may be omitted, and if sent must name the credential's tenant (403 otherwise)."
    ),
)


def _is_public(auto_schema: AutoSchema) -> bool:
    handler = view_handler(auto_schema.view, auto_schema.method)
    return handler is not None and declared_operation(handler) == PUBLIC


class PrincipalAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents ``controlplane.api.auth.PrincipalAuthentication`` as two alternative schemes,
    so Swagger UI's Authorize button sets them: ``ApiKeyAuth`` (``X-API-Key``, api_key mode) and
    ``BearerAuth`` (``Authorization: Bearer``, jwt mode and runtime tokens). Public operations
    carry no security requirement; where the configured authenticator takes calls without a
    credential (header mode), the empty requirement says so."""

    target_class = "controlplane.api.auth.PrincipalAuthentication"
    name = ["ApiKeyAuth", "BearerAuth"]

    def get_security_requirement(self, auto_schema):
        if _is_public(auto_schema):
            return None
        requirements = [{"ApiKeyAuth": []}, {"BearerAuth": []}]
        if not getattr(get_authenticator(), "requires_credentials", True):
            requirements.append({})  # header mode: anonymous calls are accepted as they are
        return requirements

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-API-Key",
                "description": "An API key of your tenant (made with manage.py apikeys create TENANT).",
            },
            {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "A token of the configured identity provider (jwt mode), or a "
                "runtime token from POST /api/v1/auth/runtime-token-exchange (evaluation).",
            },
        ]


class APIAutoSchema(AutoSchema):
    """``DEFAULT_SCHEMA_CLASS`` of the API (see the module docstring)."""

    def _is_list_view(self, serializer=None) -> bool:
        if serializer is None:
            serializer = self.get_response_serializers()
        if isinstance(serializer, dict) and serializer:
            serializer = serializer[min(serializer, key=str)]
        return is_list_serializer(serializer)

    def get_override_parameters(self):
        """Every operation that needs a credential documents the ``X-Tenant-Id`` header."""
        parameters = super().get_override_parameters()
        return parameters if _is_public(self) else [TENANT_HEADER, *parameters]
