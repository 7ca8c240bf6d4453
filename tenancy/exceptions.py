"""Exceptions raised by the tenancy mechanism.

``InvalidTenantId`` is the caller's mistake (a malformed id) and maps to HTTP 400;
``CredentialsRefused`` (``AuthenticationFailed`` 401, ``TenantForbidden`` 403) is a credential that
an authenticator refused. ``TenantMiddleware`` answers both through ``TENANCY_FAILURE_VIEW``. The
other two are programming or configuration mistakes that the mechanism refuses loudly instead of
guessing.
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


class CredentialsRefused(TenancyError):
    """A request presented a credential and the authenticator refused it.

    ``status_code`` is 401 or 403; ``hint`` says what to change; ``challenge`` is the
    ``WWW-Authenticate`` value of a 401 (``"ApiKey"``, ``"Bearer"``), or ``None`` for the
    project's default. The message must not leak secrets nor other tenants' names.
    """

    status_code = 401

    def __init__(self, message: str, *, hint: str | None = None, challenge: str | None = None):
        super().__init__(message)
        self.hint = hint
        self.challenge = challenge


class AuthenticationFailed(CredentialsRefused):
    """401: the credential is unknown, malformed, expired, revoked, or its signature is wrong."""

    status_code = 401


class TenantForbidden(CredentialsRefused):
    """403: the credential is valid but may not act as the tenant the request asks for (an
    ``X-Tenant-Id`` header naming another tenant than the key's)."""

    status_code = 403
