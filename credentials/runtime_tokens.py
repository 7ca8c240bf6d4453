"""Runtime tokens: short-lived HS256 JWTs bound to one tenant and one target, wire-compatible with
the reference server's (``POST /api/v1/auth/runtime-token-exchange``).

Claims, as the reference mints them: ``iss`` ``"agent-control/server"``, ``domain`` ``"runtime"``,
``namespace_key`` (here: the tenant id), ``actor_id`` (the exchanging credential's id, or
``"anonymous"``), ``target_type``, ``target_id``, ``scopes`` (``["runtime.use"]``), ``iat``,
``exp``, ``jti``. No ``aud``, ``sub`` nor ``nbf``. Signed with
``CREDENTIALS_RUNTIME_TOKEN_SECRET``; valid ``CREDENTIALS_RUNTIME_TOKEN_TTL_SECONDS``, but never
longer than the exchanging credential (an API key's expiry).

``verify`` turns a token back into a ``Principal`` (kind ``"runtime_token"``) or raises
``AuthenticationFailed`` with the reference's distinct, non-leaking messages.
"""

import secrets
from datetime import UTC, datetime, timedelta

import jwt

from controlplane.api.operations import Operation
from tenancy.exceptions import AuthenticationFailed, InvalidTenantId
from tenancy.principals import Principal
from tenancy.validators import validate_tenant_id

from .conf import get_setting

ISSUER = "agent-control/server"
DOMAIN = "runtime"
SCOPES = [Operation.RUNTIME_USE.value]
REFRESH_HINT = "Re-exchange a fresh runtime token and retry."
_STRING_CLAIMS = ("namespace_key", "actor_id", "target_type", "target_id")


def runtime_secret() -> str | None:
    """The signing secret, or ``None`` when runtime tokens are off."""
    return get_setting("RUNTIME_TOKEN_SECRET") or None


def is_runtime_token(token: str) -> bool:
    """True if ``token`` claims (unverified) to be a runtime token: its ``iss`` is ours. Used only
    to choose the verifier; ``verify`` checks everything."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return False
    return claims.get("iss") == ISSUER


def mint(principal: Principal, target_type: str, target_id: str) -> tuple[str, datetime]:
    """``(token, expires_at)`` for ``principal``'s tenant and the target; ``expires_at`` is aware
    UTC with microseconds (``exp`` is its whole second). Needs ``runtime_secret()``."""
    now = datetime.now(UTC)
    expires_at = now + timedelta(seconds=get_setting("RUNTIME_TOKEN_TTL_SECONDS"))
    if principal.expires_at is not None:
        expires_at = min(expires_at, principal.expires_at)
    claims = {
        "iss": ISSUER,
        "domain": DOMAIN,
        "namespace_key": principal.tenant_id,
        "actor_id": principal.credential_id or "anonymous",
        "target_type": target_type,
        "target_id": target_id,
        "scopes": SCOPES,
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "jti": secrets.token_urlsafe(16),
    }
    return jwt.encode(claims, runtime_secret(), algorithm="HS256"), expires_at


def _refuse(message: str) -> AuthenticationFailed:
    return AuthenticationFailed(message, hint=REFRESH_HINT)


def _decode(token: str) -> dict:
    secret = runtime_secret()
    if secret is None:
        raise _refuse("Runtime tokens are not enabled on this server.")
    try:
        return jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            issuer=ISSUER,
            options={"require": ["iss", "exp", "iat", "domain"]},
        )
    except jwt.ExpiredSignatureError:
        raise _refuse("Runtime token has expired.") from None
    except jwt.InvalidIssuerError:
        raise _refuse("Runtime token has the wrong issuer.") from None
    except jwt.InvalidTokenError as exc:
        raise _refuse(f"Runtime token is invalid: {exc}") from None


def verify(token: str) -> Principal:
    """The principal of a valid runtime token; ``AuthenticationFailed`` (401) otherwise."""
    claims = _decode(token)
    if claims.get("domain") != DOMAIN:
        raise _refuse("Token is not a runtime token; refusing to use it here.")
    for claim in _STRING_CLAIMS:
        value = claims.get(claim)
        if not isinstance(value, str) or not value:
            raise _refuse(f"Runtime token missing {claim}.")
    scopes = claims.get("scopes", [])
    if not isinstance(scopes, list) or not all(isinstance(scope, str) for scope in scopes):
        raise _refuse("Runtime token has malformed scopes.")
    try:
        tenant_id = validate_tenant_id(claims["namespace_key"])
    except InvalidTenantId:
        raise _refuse("Runtime token has a malformed namespace_key.") from None
    return Principal(
        tenant_id=tenant_id,
        kind="runtime_token",
        scopes=frozenset(scopes),
        credential_id=claims.get("jti") or claims["actor_id"],
        target_type=claims["target_type"],
        target_id=claims["target_id"],
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
    )
