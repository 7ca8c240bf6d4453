"""``ApiKey``: a key that belongs to one tenant, stored hashed.

A tenant row like any other (``TenantModel``: stamped, scoped, ``all_tenants`` unscoped, and its
keys lead with ``tenant_id``: ``UNIQUE (tenant_id, prefix)``), with one difference: a request's key
is looked up **before** its tenant is known, so ``ApiKey.all_tenants`` (the explicit way past
scoping and row-level security) is queried by the non-secret ``prefix`` through a plain index on
it: one indexed query per request. A prefix is 64 random bits, so two tenants sharing one is
astronomically unlikely and harmless (the digest tells the keys apart). On a database distributed
by ``tenant_id`` (Citus) that lookup reaches every shard; keep this small table on the coordinator
(a reference table) there.
"""

from django.db import models
from django.utils import timezone

from tenancy.models import TenantModel

from .keys import PREFIX_LENGTH
from .roles import ROLE_CHOICES, RUNTIME

ACTIVE, REVOKED, EXPIRED = "active", "revoked", "expired"


class ApiKey(TenantModel):
    """An API key of one tenant (see the module docstring and ``credentials.keys``)."""

    #: Credentials never travel with ``tenant export`` / ``tenant import`` (a key copied into
    #: another tenant would open it with the first tenant's secret).
    tenant_transfer = False

    name = models.CharField(
        max_length=100, blank=True, help_text="What the key is for (e.g. 'support-bot prod')."
    )
    role = models.CharField(max_length=16, choices=ROLE_CHOICES, default=RUNTIME)
    prefix = models.CharField(max_length=PREFIX_LENGTH, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Refused from this time on; empty: never expires."
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API key"
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "prefix"], name="credentials_key_prefix")
        ]
        indexes = [
            models.Index(fields=["prefix"], name="credentials_key_lookup"),
            models.Index(fields=["tenant_id", "created_at"], name="credentials_key_tenant"),
        ]

    def __str__(self):
        return f"{self.prefix} ({self.tenant_id}, {self.role})"

    def status(self, now=None) -> str:
        """``"active"``, ``"revoked"`` or ``"expired"`` at ``now`` (default: the current time)."""
        if self.revoked_at is not None:
            return REVOKED
        if self.expires_at is not None and self.expires_at <= (now or timezone.now()):
            return EXPIRED
        return ACTIVE
