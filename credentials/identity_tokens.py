"""``jwt`` mode: bearer tokens of an identity provider, verified with PyJWT.

The key is ``CREDENTIALS_JWT_KEY`` (an HS* shared secret, or an RS*/ES* PEM public key) for the
algorithms in ``CREDENTIALS_JWT_ALGORITHMS``. ``exp`` and the tenant claim
(``CREDENTIALS_JWT_TENANT_CLAIM``) are required; ``iss`` / ``aud`` are required and checked when
``CREDENTIALS_JWT_ISSUER`` / ``CREDENTIALS_JWT_AUDIENCE`` are set (a token with an ``aud`` is
refused when no audience is configured); ``nbf`` and ``iat`` are checked when present. The role
comes from ``CREDENTIALS_JWT_ROLE_CLAIM`` (``admin`` / ``runtime``; absent: ``runtime``, the
least privilege).

Every failure is ``AuthenticationFailed`` (401, challenge ``Bearer``) with a message that names the
problem and nothing else: never the expected audience or issuer, never the token.
"""

from datetime import UTC, datetime
from functools import lru_cache

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from tenancy.exceptions import AuthenticationFailed, InvalidTenantId
from tenancy.principals import Principal
from tenancy.validators import validate_tenant_id

from .conf import get_setting
from .roles import ROLES, RUNTIME, scopes_of

CHALLENGE = "Bearer"
HINT = "Sign in again to get a fresh token from your identity provider."
# PyJWT's errors, most specific first, and what the caller is told.
MESSAGES = (
    (jwt.ExpiredSignatureError, "Bearer token has expired."),
    (jwt.InvalidSignatureError, "Bearer token signature is invalid."),
    (jwt.InvalidAudienceError, "Bearer token audience is not accepted."),
    (jwt.InvalidIssuerError, "Bearer token issuer is not accepted."),
    (jwt.ImmatureSignatureError, "Bearer token is not valid yet."),
    (jwt.InvalidAlgorithmError, "Bearer token algorithm is not accepted."),
)


def refuse(message: str) -> AuthenticationFailed:
    """A 401 of this mode: challenge ``Bearer``."""
    return AuthenticationFailed(message, hint=HINT, challenge=CHALLENGE)


@lru_cache(maxsize=8)
def verification_key(key: str):
    """``key`` as PyJWT wants it: a parsed public key for a PEM (parsed once), else the string."""
    if key.lstrip().startswith("-----BEGIN"):
        return load_pem_public_key(key.encode())
    return key


def _decode(token: str) -> dict:
    tenant_claim = get_setting("JWT_TENANT_CLAIM")
    issuer, audience = get_setting("JWT_ISSUER"), get_setting("JWT_AUDIENCE")
    required = ["exp", tenant_claim, *(["iss"] if issuer else []), *(["aud"] if audience else [])]
    try:
        return jwt.decode(
            token,
            verification_key(get_setting("JWT_KEY")),
            algorithms=list(get_setting("JWT_ALGORITHMS")),
            issuer=issuer,
            audience=audience,
            options={"require": required},
        )
    except jwt.MissingRequiredClaimError as exc:
        raise refuse(f"Bearer token is missing the '{exc.claim}' claim.") from None
    except jwt.InvalidTokenError as exc:
        for error, message in MESSAGES:
            if isinstance(exc, error):
                raise refuse(message) from None
        raise refuse("Bearer token is malformed.") from None


def verify(token: str) -> Principal:
    """The principal of a valid identity-provider token (kind ``"jwt"``); ``AuthenticationFailed``
    otherwise (see the module docstring)."""
    claims = _decode(token)
    tenant_claim, role_claim = get_setting("JWT_TENANT_CLAIM"), get_setting("JWT_ROLE_CLAIM")
    try:
        tenant_id = validate_tenant_id(claims[tenant_claim])
    except InvalidTenantId:
        raise refuse(f"Bearer token's '{tenant_claim}' claim is not a valid tenant id.") from None
    role = claims.get(role_claim, RUNTIME)
    if role not in ROLES:
        raise refuse(f"Bearer token's '{role_claim}' claim must be 'admin' or 'runtime'.")
    return Principal(
        tenant_id=tenant_id,
        kind="jwt",
        scopes=scopes_of(role),
        role=role,
        credential_id=str(claims.get("jti") or claims.get("sub") or "") or None,
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
    )
