"""``GET /api/config`` and ``POST /api/v1/auth/runtime-token-exchange`` (reference 8.15).

- ``/api/config`` is public and tells a client which credential the server wants:
  ``{"requires_api_key", "auth_mode", "has_active_session"}``; ``auth_mode`` is ``"none"``,
  ``"api-key"`` (the reference's spelling) or ``"jwt"``; ``has_active_session`` is true when the
  request carried a valid credential (a refused one is ignored here, as the reference does).
- The exchange turns a valid credential into a runtime token for one target (see
  ``credentials.runtime_tokens``): 200 ``{"token", "expires_at", "target_type", "target_id",
  "scopes"}``; 422 for a body that is not an object, a missing/empty/non-string target field or
  an extra field; 503 ``AUTH_MISCONFIGURED`` when runtime tokens are off (no
  ``CREDENTIALS_RUNTIME_TOKEN_SECRET``, or the header mode, where a token would lose the tenant).
"""

import logging

from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from pydantic import BaseModel, ConfigDict, Field
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from controlplane.api.exceptions import APIError, ErrorCode
from controlplane.api.operations import Operation, public, requires
from controlplane.api.validation import validate_body
from tenancy.authentication import credentials_optional

from . import runtime_tokens
from .authenticators import auth_mode

logger = logging.getLogger("credentials")

AUTH_MODES = {"none": "none", "api_key": "api-key", "jwt": "jwt"}


class ConfigResponse(BaseModel):
    requires_api_key: bool
    auth_mode: str
    has_active_session: bool


class RuntimeTokenExchangeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target_type: str = Field(min_length=1)
    target_id: str = Field(min_length=1)


class RuntimeTokenExchangeResponse(BaseModel):
    token: str
    expires_at: str
    target_type: str
    target_id: str
    scopes: list[str]


@method_decorator(credentials_optional, name="dispatch")
class ConfigView(APIView):
    """``GET /api/config`` (see the module docstring)."""

    http_method_names = ["get"]

    @extend_schema(responses=ConfigResponse, tags=["system"], operation_id="get_config")
    @public
    def get(self, request: Request) -> Response:
        mode = auth_mode()
        return Response(
            {
                "requires_api_key": mode == "api_key",
                "auth_mode": AUTH_MODES[mode],
                "has_active_session": mode != "none" and request.user is not None,
            }
        )


def _misconfigured(reason: str) -> APIError:
    logger.warning("Runtime token exchange refused: %s", reason)
    return APIError(503, ErrorCode.AUTH_MISCONFIGURED, reason, details=False)


class RuntimeTokenExchangeView(APIView):
    """``POST /api/v1/auth/runtime-token-exchange`` (see the module docstring)."""

    http_method_names = ["post"]

    @extend_schema(
        request=RuntimeTokenExchangeRequest,
        responses=RuntimeTokenExchangeResponse,
        tags=["auth"],
        operation_id="runtime_token_exchange",
    )
    @requires(Operation.RUNTIME_TOKEN_EXCHANGE)
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            raise APIError(
                422,
                ErrorCode.VALIDATION_ERROR,
                "Runtime token exchange body must be a valid JSON object.",
                hint="Provide a JSON object containing target_type and target_id.",
                details=False,
            )
        body = validate_body(RuntimeTokenExchangeRequest, request.data)
        if runtime_tokens.runtime_secret() is None:
            raise _misconfigured("CREDENTIALS_RUNTIME_TOKEN_SECRET is not set.")
        if auth_mode() == "none":
            raise _misconfigured("runtime tokens need CREDENTIALS_MODE api_key or jwt.")
        principal = request.user
        if not principal.allows(Operation.RUNTIME_USE):
            raise APIError(
                400,
                ErrorCode.AUTH_INSUFFICIENT_PRIVILEGES,
                "Credential does not grant runtime.use; cannot mint a runtime token.",
                hint="The credential is not authorized for runtime use on this target.",
                details=False,
            )
        token, expires_at = runtime_tokens.mint(principal, body.target_type, body.target_id)
        return Response(
            {
                "token": token,
                "expires_at": expires_at.isoformat().replace("+00:00", "Z"),
                "target_type": body.target_type,
                "target_id": body.target_id,
                "scopes": runtime_tokens.SCOPES,
            }
        )
