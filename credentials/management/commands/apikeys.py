"""``manage.py apikeys``: issue, list, revoke and rotate a tenant's API keys.

::

    manage.py apikeys create acme --role runtime --name "support-bot prod" [--expires-in-days 90]
    manage.py apikeys list [--tenant acme] [--all]
    manage.py apikeys revoke cpk_1a2b3c4d5e6f7a8b [--tenant acme]
    manage.py apikeys rotate cpk_1a2b3c4d5e6f7a8b [--tenant acme]

``create`` and ``rotate`` print the new secret alone on standard output (so
``KEY=$(manage.py apikeys create acme)`` works) and a description on standard error; the secret
is not stored and cannot be shown again; an expiry must lie in the future. ``list`` shows active
keys (``--all``: revoked and expired too). A key is named by its prefix (``cpk_`` and 16 hex
digits); a whole key given instead is refused without being printed back. ``--tenant`` makes the
command refuse a key of another tenant.
"""

import re
from datetime import UTC, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tenancy.exceptions import InvalidTenantId
from tenancy.validators import validate_tenant_id

from ...keys import SCHEME, prefix_of
from ...models import ACTIVE, ApiKey
from ...roles import ROLES, RUNTIME
from ...services import IssuedKey, api_key_create, api_key_get, api_key_revoke, api_key_rotate

PREFIX = re.compile(rf"{SCHEME}_[0-9a-f]{{16}}")
COLUMNS = ("prefix", "tenant", "role", "name", "created", "last used", "expires", "status")


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


class Command(BaseCommand):
    help = "Issue, list, revoke and rotate API keys per tenant (CONTROLPLANE_AUTH_MODE=api_key)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="Issue a key; prints its secret once.")
        create.add_argument("tenant", help="The tenant the key belongs to.")
        create.add_argument("--role", choices=ROLES, default=RUNTIME)
        create.add_argument("--name", default="", help="What the key is for.")
        expiry = create.add_mutually_exclusive_group()
        expiry.add_argument("--expires-in-days", type=int, metavar="DAYS")
        expiry.add_argument("--expires-at", metavar="ISO-8601", help="e.g. 2027-01-31T00:00Z")
        listing = commands.add_parser("list", help="List keys.")
        listing.add_argument("--tenant")
        listing.add_argument("--all", action="store_true", help="Include revoked and expired.")
        for name, text in (("revoke", "Revoke a key."), ("rotate", "Replace a key.")):
            command = commands.add_parser(name, help=text)
            command.add_argument("prefix", help="The key's prefix (cpk_...).")
            command.add_argument("--tenant", help="Refuse a key of another tenant.")

    def handle(self, *args, action, **options):
        try:
            if options.get("tenant") is not None:
                validate_tenant_id(options["tenant"])
            getattr(self, f"handle_{action}")(**options)
        except InvalidTenantId as exc:
            raise CommandError(str(exc)) from exc

    def handle_create(self, *, tenant, role, name, expires_in_days, expires_at, **options):
        try:
            issued = api_key_create(
                tenant_id=tenant,
                role=role,
                name=name,
                expires_at=self._expiry(expires_in_days, expires_at),
            )
        except (InvalidTenantId, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self._print_issued(issued, "Created")

    def handle_list(self, *, tenant, all, **options):
        queryset = ApiKey.all_tenants.order_by("tenant_id", "created_at")
        if tenant:
            queryset = queryset.filter(tenant_id=tenant)
        now = timezone.now()
        rows = [
            (
                key.prefix,
                key.tenant_id,
                key.role,
                key.name or "-",
                _when(key.created_at),
                _when(key.last_used_at),
                _when(key.expires_at),
                key.status(now),
            )
            for key in queryset
            if all or key.status(now) == ACTIVE
        ]
        table = (COLUMNS, *rows)
        widths = [max(len(str(cell)) for cell in column) for column in zip(*table, strict=True)]
        for row in table:
            cells = (str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())

    def handle_revoke(self, *, prefix, tenant, **options):
        api_key = api_key_revoke(self._get(prefix, tenant))
        self.stderr.write(f"Revoked {api_key} at {_when(api_key.revoked_at)} UTC.")

    def handle_rotate(self, *, prefix, tenant, **options):
        try:
            issued = api_key_rotate(self._get(prefix, tenant))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self._print_issued(issued, f"Revoked {prefix}; created")

    def _get(self, prefix: str, tenant: str | None) -> ApiKey:
        whole = prefix_of(prefix)
        if whole is not None:
            raise CommandError(
                f"That is a whole key, secret included (not repeated here); name the key by its "
                f"prefix: {whole}."
            )
        if not PREFIX.fullmatch(prefix):
            raise CommandError(
                f"Not a key prefix (not repeated here): a prefix is {SCHEME}_ and 16 hex digits, as "
                "`apikeys list` shows."
            )
        try:
            return api_key_get(prefix, tenant_id=tenant)
        except ApiKey.DoesNotExist:
            where = f" in tenant {tenant!r}" if tenant else ""
            raise CommandError(f"No API key with prefix {prefix!r}{where}.") from None

    def _expiry(self, days: int | None, at: str | None) -> datetime | None:
        if days is not None:
            if days < 1:
                raise CommandError("--expires-in-days must be at least 1.")
            return timezone.now() + timedelta(days=days)
        if at is None:
            return None
        try:
            value = datetime.fromisoformat(at)
        except ValueError as exc:
            raise CommandError(f"--expires-at: {exc}") from exc
        value = value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
        if value <= timezone.now():
            raise CommandError(
                f"--expires-at must be in the future ({_when(value.astimezone(UTC))} UTC has "
                "passed)."
            )
        return value

    def _print_issued(self, issued: IssuedKey, verb: str) -> None:
        key = issued.api_key
        self.stderr.write(
            f"{verb} {key.role} key {key.prefix} for tenant {key.tenant_id!r}"
            f"{f' (expires {_when(key.expires_at)} UTC)' if key.expires_at else ''}. "
            "The secret below is shown once; only its hash is stored."
        )
        self.stdout.write(issued.secret)
