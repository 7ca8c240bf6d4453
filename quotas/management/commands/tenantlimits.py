"""``manage.py tenantlimits``: show and set a tenant's quotas and rate limits.

::

    manage.py tenantlimits show acme              # usage against the limits in force
    manage.py tenantlimits set acme --max-agents 50 --runtime-rate 200/second
    manage.py tenantlimits set acme --max-agents default     # back to QUOTAS_DEFAULT
    manage.py tenantlimits clear acme             # every override back to the defaults
    manage.py tenantlimits list                   # tenants with overrides

Quotas are integers >= 0; rates use the ``limits`` notation (``100/second``, ``5 per 10
seconds``, ``600/minute``); ``default`` removes one override. Other processes apply a change
within ``QUOTAS_CACHE_SECONDS``. ``show`` and ``set`` say when rate limits are not enforced (no
Redis: ``CONTROLPLANE_REDIS_URL``).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenancy.exceptions import InvalidTenantId

from ...limits import OVERRIDE_FIELDS
from ...models import TenantLimits
from ...services import tenant_limits_clear, tenant_limits_set
from ...usage import (
    RATES_NOT_ENFORCED,
    format_limit,
    rates_enforced,
    tenant_rates,
    tenant_usage,
)

DEFAULT = "default"


def _option(field: str) -> str:
    return "--" + field.replace("_", "-")


def _problems(exc: ValidationError) -> str:
    """A model's validation errors as the options that caused them: ``--read-rate: ...``."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    return " ".join(
        f"{_option(field)}: {message}"
        for field, messages in exc.message_dict.items()
        for message in messages
    )


class Command(BaseCommand):
    help = "Show and set per-tenant quotas and rate limits (overrides of the global defaults)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        show = commands.add_parser("show", help="Usage against the limits in force.")
        show.add_argument("tenant")
        change = commands.add_parser("set", help="Override some limits ('default' removes one).")
        change.add_argument("tenant")
        for field in OVERRIDE_FIELDS:
            change.add_argument(
                _option(field), dest=field, metavar="N" if field.startswith("max_") else "RATE"
            )
        clear = commands.add_parser("clear", help="Remove every override of a tenant.")
        clear.add_argument("tenant")
        commands.add_parser("list", help="Tenants with overrides.")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"handle_{action}")(**options)
        except ValidationError as exc:
            raise CommandError(_problems(exc)) from exc
        except (InvalidTenantId, KeyError) as exc:
            raise CommandError(exc.args[0] if exc.args else str(exc)) from exc

    def handle_show(self, *, tenant, **options):
        self.stdout.write(f"{'limit':<18} {'used':>8}  in force")
        for item in tenant_usage(tenant):
            limit = format_limit(item.limit, item.source)
            self.stdout.write(f"{'max_' + item.resource:<18} {item.used:>8}  {limit}")
        for rate in tenant_rates(tenant):
            limit = format_limit(rate.rate, rate.source)
            self.stdout.write(f"{rate.operation_class + '_rate':<18} {'-':>8}  {limit}")
        if not rates_enforced():
            self.stdout.write(RATES_NOT_ENFORCED)

    def handle_set(self, *, tenant, **options):
        changes = {}
        for field in OVERRIDE_FIELDS:
            value = options.get(field)
            if value is None:
                continue
            if value == DEFAULT:
                changes[field] = None
            elif field.startswith("max_"):
                if not (value.isascii() and value.isdigit()):
                    raise CommandError(f"{_option(field)} takes an integer >= 0 or 'default'.")
                changes[field] = int(value)
            else:
                changes[field] = value
        if not changes:
            raise CommandError("Nothing to set: pass at least one --max-* or --*-rate option.")
        tenant_limits_set(tenant, changes)
        self.handle_show(tenant=tenant)

    def handle_clear(self, *, tenant, **options):
        removed = tenant_limits_clear(tenant)
        self.stdout.write(
            f"{tenant}: overrides removed." if removed else f"{tenant}: no overrides."
        )

    def handle_list(self, **options):
        for limits in TenantLimits.all_tenants.order_by("tenant_id"):
            values = [
                f"{field}={getattr(limits, field)}"
                for field in OVERRIDE_FIELDS
                if getattr(limits, field) not in (None, "")
            ]
            self.stdout.write(f"{limits.tenant_id}: {' '.join(values) or '(none)'}")
