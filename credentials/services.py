"""Writes and lookups of API keys: issue, revoke, rotate, and the per-request check.

Operators' entry points (``manage.py apikeys``, the admin) and the authenticator call these; the
secret of a new key is returned once, in an ``IssuedKey``, and never stored.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from tenancy.context import tenant_context
from tenancy.validators import validate_tenant_id

from . import keys
from .conf import get_setting
from .models import ACTIVE, ApiKey
from .roles import ROLES


@dataclass(frozen=True)
class IssuedKey:
    """A key just issued: the stored row, and the secret to hand over once."""

    api_key: ApiKey
    secret: str


def api_key_create(
    *, tenant_id: str, role: str, name: str = "", expires_at: datetime | None = None
) -> IssuedKey:
    """Issue a key of ``tenant_id`` with ``role`` (``admin`` / ``runtime``).

    Raises ``InvalidTenantId`` for a malformed tenant and ``ValueError`` for an unknown role or an
    expiry that is not timezone-aware.
    """
    validate_tenant_id(tenant_id)
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.")
    if expires_at is not None and timezone.is_naive(expires_at):
        raise ValueError("expires_at must be timezone-aware.")
    api_key = ApiKey(name=name, role=role, expires_at=expires_at)
    secret = issue_secret(api_key)
    with tenant_context(tenant_id):
        api_key.save()
    return IssuedKey(api_key=api_key, secret=secret)


def issue_secret(api_key: ApiKey) -> str:
    """Give an unsaved ``api_key`` a fresh secret: set its ``prefix`` and ``digest`` and return
    the secret (to show once; it is not kept)."""
    secret, api_key.prefix, api_key.digest = keys.generate()
    return secret


def api_key_get(prefix: str, *, tenant_id: str | None = None) -> ApiKey:
    """The key with ``prefix`` (of ``tenant_id`` when given); ``ApiKey.DoesNotExist`` otherwise
    (``MultipleObjectsReturned`` if two tenants share the prefix: name the tenant then)."""
    queryset = ApiKey.all_tenants.filter(prefix=prefix)
    if tenant_id is not None:
        queryset = queryset.filter(tenant_id=tenant_id)
    return queryset.get()


def api_key_revoke(api_key: ApiKey) -> ApiKey:
    """Revoke ``api_key`` (refused from the next request on); revoking twice changes nothing."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        with tenant_context(api_key.tenant_id):
            api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_rotate(api_key: ApiKey) -> IssuedKey:
    """Revoke ``api_key`` and issue its replacement (same tenant, role, name and expiry) in one
    transaction. Raises ``ValueError`` for a key that is not active."""
    if api_key.status() != ACTIVE:
        raise ValueError(f"{api_key.prefix} is {api_key.status()}; only active keys rotate.")
    with transaction.atomic():
        api_key_revoke(api_key)
        return api_key_create(
            tenant_id=api_key.tenant_id,
            role=api_key.role,
            name=api_key.name,
            expires_at=api_key.expires_at,
        )


def api_key_authenticate(key: str, *, now: datetime | None = None) -> ApiKey | None:
    """The active key whose secret is ``key``, or ``None`` (unknown, malformed, wrong secret,
    revoked or expired: callers answer all alike).

    One indexed query by prefix (``ApiKey.all_tenants``: the tenant is not known yet; in the
    unlikely case that two tenants' keys share a prefix, the digest picks the one), plus, at
    most once per ``CREDENTIALS_LAST_USED_INTERVAL_SECONDS`` per key, an update of
    ``last_used_at``. No cache: a revocation is seen by the next request.
    """
    prefix = keys.prefix_of(key)
    if prefix is None:
        return None
    candidates = ApiKey.all_tenants.filter(prefix=prefix)
    api_key = next((c for c in candidates if keys.matches(c.digest, key)), None)
    if api_key is None:
        return None
    now = now or timezone.now()
    if api_key.status(now) != ACTIVE:
        return None
    _touch(api_key, now)
    return api_key


def _touch(api_key: ApiKey, now: datetime) -> None:
    interval = timedelta(seconds=get_setting("LAST_USED_INTERVAL_SECONDS"))
    if api_key.last_used_at is None or now - api_key.last_used_at >= interval:
        ApiKey.all_tenants.filter(tenant_id=api_key.tenant_id, pk=api_key.pk).update(
            last_used_at=now
        )
        api_key.last_used_at = now
