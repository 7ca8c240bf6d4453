"""``manage.py tenant list | export | import | purge``: a tenant's rows as a unit.

- ``tenant list``: every tenant that owns rows, with its row count per model and in total.
- ``tenant export <tenant id> [--output FILE]``: every row of the tenant as one JSON document
  (``tenancy.transfer``), to stdout or ``FILE``; refused for a tenant without rows to export
  (most likely a mistyped id), and for a ``FILE`` that cannot be written.
- ``tenant import <file> [--as <tenant id>]``: load an export (``-`` reads stdin), as its own
  tenant or as another; checked first, written in one transaction, refused (nothing written) when
  the target tenant already has rows or the document is inconsistent.
- ``tenant purge <tenant id> --yes``: delete every row of the tenant in one transaction and report
  the counts; without ``--yes`` it is a dry run: it says what would be deleted and deletes
  nothing (exit status 0).

System code: reads across tenants go past row-level security by name (``Model.all_tenants``);
one tenant's reads and writes run inside that tenant. See ``tenancy.inventory`` and
``tenancy.transfer``.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from tenancy.exceptions import InvalidTenantId
from tenancy.inventory import tenant_purge, tenant_row_counts
from tenancy.transfer import TenantImportError, tenant_export, tenant_import
from tenancy.validators import validate_tenant_id


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{label} {count}" for label, count in counts.items())


def _nothing_to_export(tenant_id: str) -> str:
    """Why an export of ``tenant_id`` has no rows: none at all (a typo?) or only rows that never
    travel (``tenant_transfer = False``)."""
    kept = tenant_row_counts(tenant_id).get(tenant_id, {})
    if kept:
        return (
            f"Tenant {tenant_id!r} has no rows to export: it has only rows that exports leave "
            f"out ({_summary(kept)})."
        )
    return (
        f"Tenant {tenant_id!r} has no rows: is the tenant id mistyped? "
        "`tenant list` shows the tenants that own rows."
    )


class Command(BaseCommand):
    help = "Tenants as units: list (row counts), export, import, purge."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("list", help="Tenants that own rows, with row counts.")
        export = actions.add_parser("export", help="Every row of a tenant as JSON.")
        export.add_argument("tenant_id")
        export.add_argument("--output", "-o", help="Write to this file instead of stdout.")
        load = actions.add_parser("import", help="Load an export (validated, atomic).")
        load.add_argument("file", help="The export file ('-' for stdin).")
        load.add_argument("--as", dest="as_tenant", help="Import as this tenant id.")
        purge = actions.add_parser("purge", help="Delete every row of a tenant.")
        purge.add_argument("tenant_id")
        purge.add_argument(
            "--yes", action="store_true", help="Really delete (without it: a dry run)."
        )

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"handle_{action}")(**options)
        except (InvalidTenantId, TenantImportError) as exc:
            raise CommandError(str(exc)) from exc

    def handle_list(self, **options):
        counts = tenant_row_counts()
        if not counts:
            self.stdout.write("No tenant owns any row.")
            return
        width = max(len("tenant"), *(len(tenant) for tenant in counts))
        self.stdout.write(f"{'tenant'.ljust(width)}  {'rows':>6}  per model")
        for tenant, per_model in counts.items():
            total = sum(per_model.values())
            self.stdout.write(f"{tenant.ljust(width)}  {total:>6}  {_summary(per_model)}")

    def handle_export(self, *, tenant_id: str, output: str | None, **options):
        document = tenant_export(validate_tenant_id(tenant_id))
        if not document["counts"]:
            raise CommandError(_nothing_to_export(tenant_id))
        text = json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        if output is None:
            self.stdout.write(text)
            return
        try:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc
        total = sum(document["counts"].values())
        self.stderr.write(f"Exported tenant {tenant_id!r}: {total} rows to {output}.")

    def handle_import(self, *, file: str, as_tenant: str | None, **options):
        try:
            if file == "-":
                document = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as handle:
                    document = json.load(handle)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        except ValueError as exc:
            raise CommandError(f"{file} is not JSON: {exc}") from exc
        target, written = tenant_import(document, as_tenant=as_tenant)
        total = sum(written.values())
        self.stdout.write(f"Imported tenant {target!r}: {total} rows ({_summary(written)}).")

    def handle_purge(self, *, tenant_id: str, yes: bool, **options):
        validate_tenant_id(tenant_id)
        if not yes:
            existing = tenant_row_counts(tenant_id).get(tenant_id, {})
            if not existing:
                self.stdout.write(f"Dry run: tenant {tenant_id!r} has no rows; nothing to delete.")
                return
            self.stdout.write(
                f"Dry run: purging tenant {tenant_id!r} would delete {sum(existing.values())} "
                f"rows ({_summary(existing)}). Nothing was deleted; run again with --yes to "
                "delete them."
            )
            return
        deleted = tenant_purge(tenant_id)
        total = sum(deleted.values())
        detail = f" ({_summary(deleted)})" if deleted else ""
        self.stdout.write(f"Purged tenant {tenant_id!r}: {total} rows deleted{detail}.")
