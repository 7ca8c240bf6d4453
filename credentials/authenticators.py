"""``ModeAuthenticator``: the ``TENANCY_AUTHENTICATOR`` of the project, dispatching on
``CREDENTIALS_MODE`` at call time.

| mode      | credential                                   | tenant                          |
| --------- | -------------------------------------------- | ------------------------------- |
| ``none``    | none: ``tenancy``'s ``ResolverAuthenticator`` | the ``X-Tenant-Id`` header      |
| ``api_key`` | ``X-API-Key`` (else a runtime token as ``Authorization: Bearer``) | the key's (token's) tenant |
| ``jwt``     | ``Authorization: Bearer`` (identity provider token, or a runtime token) | the tenant claim |

In the credential modes a request without a credential is anonymous (``None``; the permission
layer answers 401 ``AUTH_MISSING_KEY`` where one is needed), a refused credential is
``AuthenticationFailed`` (401), and an ``X-Tenant-Id`` header naming another tenant than the
credential's is ``TenantForbidden`` (403), never a silent switch; the same tenant is fine.
"""

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from tenancy.authentication import ResolverAuthenticator
from tenancy.exceptions import AuthenticationFailed, TenantForbidden
from tenancy.principals import Principal
from tenancy.resolvers import requested_tenant_id

from . import identity_tokens, runtime_tokens
from .conf import MODES, get_setting, setting_name
from .roles import scopes_of
from .services import api_key_authenticate

API_KEY_HEADER = "X-API-Key"
API_KEY_CHALLENGE = "ApiKey"
INVALID_KEY = "Invalid API key."
INVALID_KEY_HINT = "Check that your API key is correct and has not expired or been revoked."


def auth_mode() -> str:
    """``CREDENTIALS_MODE``; ``ImproperlyConfigured`` naming it for an unknown value."""
    mode = get_setting("MODE")
    if mode not in MODES:
        raise ImproperlyConfigured(
            f"{setting_name('MODE')} = {mode!r} is not a mode; use one of {', '.join(MODES)}."
        )
    return mode


def bearer_token(request: HttpRequest, *, strict: bool, challenge: str) -> str | None:
    """The token of ``Authorization: Bearer <token>``, or ``None`` without that header.

    Another scheme is ``None`` unless ``strict`` (then 401, as is an empty token)."""
    raw = request.headers.get("Authorization")
    if raw is None:
        return None
    scheme, _, token = raw.strip().partition(" ")
    if scheme.lower() != "bearer":
        if not strict:
            return None
        raise AuthenticationFailed(
            "Authorization header must be a Bearer token.",
            hint="Format: 'Authorization: Bearer <token>'.",
            challenge=challenge,
        )
    if not token.strip():
        raise AuthenticationFailed("Authorization header is empty.", challenge=challenge)
    return token.strip()


def api_key_principal(key: str) -> Principal:
    """The principal of a valid API key; ``AuthenticationFailed`` (``Invalid API key.``, the same
    for unknown, malformed, revoked and expired keys) otherwise."""
    api_key = api_key_authenticate(key)
    if api_key is None:
        raise AuthenticationFailed(INVALID_KEY, hint=INVALID_KEY_HINT, challenge=API_KEY_CHALLENGE)
    return Principal(
        tenant_id=api_key.tenant_id,
        kind="api_key",
        scopes=scopes_of(api_key.role),
        role=api_key.role,
        credential_id=api_key.prefix,
        expires_at=api_key.expires_at,
    )


def check_requested_tenant(request: HttpRequest, principal: Principal) -> Principal:
    """``principal``, unless ``X-Tenant-Id`` names another tenant (``TenantForbidden``, 403); a
    malformed header is ``InvalidTenantId`` (400) as in the header mode."""
    requested = requested_tenant_id(request)
    if requested is not None and requested != principal.tenant_id:
        raise TenantForbidden(
            "The credential does not belong to the tenant named by the X-Tenant-Id header.",
            hint="Omit X-Tenant-Id, or send the tenant the credential belongs to.",
        )
    return principal


class ModeAuthenticator:
    """Authenticate per ``CREDENTIALS_MODE`` (see the module docstring)."""

    header_mode = ResolverAuthenticator()

    @property
    def requires_credentials(self) -> bool:
        """True in the credential modes (``api_key``, ``jwt``): the OpenAPI document then says
        that every protected operation needs one."""
        return auth_mode() != "none"

    def authenticate(self, request: HttpRequest) -> Principal | None:
        mode = auth_mode()
        if mode == "none":
            return self.header_mode.authenticate(request)
        resolve = self.api_key_mode if mode == "api_key" else self.jwt_mode
        principal = resolve(request)
        return None if principal is None else check_requested_tenant(request, principal)

    def api_key_mode(self, request: HttpRequest) -> Principal | None:
        key = request.headers.get(API_KEY_HEADER)
        if key is not None:
            return api_key_principal(key)
        token = bearer_token(request, strict=False, challenge=API_KEY_CHALLENGE)
        return None if token is None else runtime_tokens.verify(token)

    def jwt_mode(self, request: HttpRequest) -> Principal | None:
        token = bearer_token(request, strict=True, challenge=identity_tokens.CHALLENGE)
        if token is None:
            return None
        if runtime_tokens.is_runtime_token(token):
            try:
                return runtime_tokens.verify(token)
            except AuthenticationFailed as exc:
                exc.challenge = identity_tokens.CHALLENGE
                raise
        return identity_tokens.verify(token)
