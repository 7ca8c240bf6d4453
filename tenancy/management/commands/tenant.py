"""``manage.py tenant list | export | import | purge``: a tenant's rows as a unit.

- ``tenant list``: every tenant that owns rows, with its row count per model and in total.
- ``tenant export <tenant id> [--output FILE]``: every row of the tenant as one JSON document
  (``tenancy.transfer``), to stdout or ``FILE``.
- ``tenant import <file> [--as <tenant id>]``: load an export (``-`` reads stdin), as its own
  tenant or as another; checked first, written in one transaction, refused (nothing written) when
  the target tenant already has rows or the document is inconsistent.
- ``tenant purge <tenant id> --yes``: delete every row of the tenant in one transaction and report
  the counts; without ``--yes`` it only says what would be deleted and fails.

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
        purge.add_argument("--yes", action="store_true", help="Really delete.")

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
        text = json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        if output is None:
            self.stdout.write(text)
            return
        with open(output, "w", encoding="utf-8") as file:
            file.write(text + "\n")
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
            raise CommandError(
                f"This deletes every row of tenant {tenant_id!r} "
                f"({sum(existing.values())} rows{': ' + _summary(existing) if existing else ''}). "
                "Run again with --yes to delete them."
            )
        deleted = tenant_purge(tenant_id)
        total = sum(deleted.values())
        detail = f" ({_summary(deleted)})" if deleted else ""
        self.stdout.write(f"Purged tenant {tenant_id!r}: {total} rows deleted{detail}.")
