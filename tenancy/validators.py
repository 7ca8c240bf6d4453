"""What a tenant id may look like, checked in one place.

A tenant id is an opaque string of 1 to 64 characters drawn from ``[A-Za-z0-9._:-]``. The safe set
keeps ids printable, header-safe and usable in log lines, URLs and PostgreSQL settings.
"""

import re

from .exceptions import InvalidTenantId

TENANT_ID_MAX_LENGTH = 64
TENANT_ID_ALLOWED = "letters, digits, '.', '_', ':' and '-'"
_TENANT_ID_RE = re.compile(rf"[A-Za-z0-9._:-]{{1,{TENANT_ID_MAX_LENGTH}}}")


def validate_tenant_id(value: object) -> str:
    """Return ``value`` unchanged if it is a well-formed tenant id.

    Raises ``InvalidTenantId`` (HTTP 400 when it escapes a view) with a message that says what to
    change: not a string, empty, longer than ``TENANT_ID_MAX_LENGTH``, or containing a character
    outside ``TENANT_ID_ALLOWED`` (control characters included). Does not strip whitespace; resolvers
    decide that.
    """
    if not isinstance(value, str):
        raise InvalidTenantId(
            f"Tenant id must be a string, got {type(value).__name__}.", value=value
        )
    if not value:
        raise InvalidTenantId("Tenant id must not be empty.", value=value)
    if len(value) > TENANT_ID_MAX_LENGTH:
        raise InvalidTenantId(
            f"Tenant id must be at most {TENANT_ID_MAX_LENGTH} characters long (got {len(value)}).",
            value=value,
        )
    if not _TENANT_ID_RE.fullmatch(value):
        raise InvalidTenantId(f"Tenant id may only contain {TENANT_ID_ALLOWED}.", value=value)
    return value


def validate_tenant_id_field(value: object) -> None:
    """Model-field validator: ``validate_tenant_id`` raising Django's ``ValidationError``.

    Used on ``TenantModel.tenant_id`` so that forms (the admin) show the message on the field.
    """
    from django.core.exceptions import ValidationError

    try:
        validate_tenant_id(value)
    except InvalidTenantId as exc:
        raise ValidationError(str(exc), code="invalid_tenant_id") from exc
