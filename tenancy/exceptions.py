"""Exceptions raised by the tenancy mechanism.

``InvalidTenantId`` is the caller's mistake (a malformed id) and maps to HTTP 400; the other two are
programming or configuration mistakes that the mechanism refuses loudly instead of guessing.
"""

from django.core.exceptions import BadRequest


class TenancyError(Exception):
    """Base class of every error raised by ``tenancy``."""


class InvalidTenantId(TenancyError, BadRequest):
    """A tenant id is malformed (empty, longer than 64 characters, or outside ``[A-Za-z0-9._:-]``).

    Subclasses Django's ``BadRequest`` so that, if it escapes a view, Django answers 400.
    ``value`` holds the rejected input (for logs; never echo it to other tenants).
    """

    def __init__(self, message: str, *, value: object = None):
        super().__init__(message)
        self.value = value


class NoTenantBound(TenancyError):
    """A scoped query or a write needed the current tenant and none is bound (fail-closed).

    Bind one with ``tenancy.context.tenant_context("acme")`` or, in admin and system code, use the
    explicitly unscoped manager ``Model.all_tenants``.
    """


class TenantMismatch(TenancyError):
    """A write would mix tenants: an explicit ``tenant_id`` that differs from the owner's, a row of
    another tenant saved or deleted while a tenant is bound, a through row whose two ends belong to
    different tenants, or an attempt to change ``tenant_id`` after creation. Nothing is written.
    """
