"""``manage.py tenancy_distribute [--dry-run]``: distribute the tenant tables on a Citus cluster.

Every tenant table becomes a distributed table on ``tenant_id``, all co-located with the first
one, parents before the tables that reference them (Citus needs a foreign key's target
distributed first). Django's own tables (auth, sessions, admin log, content types, migrations)
stay local on the coordinator. Tables already distributed are skipped, so the command is
idempotent; ``--dry-run`` prints the SQL and touches nothing. See ``docs/scaling.md``.

Run it as the owner role after ``migrate`` (the tenant-leading keys must be in place; a key that
does not include ``tenant_id`` makes Citus refuse, and the message says which).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from tenancy.inventory import models_parents_first


class Command(BaseCommand):
    help = "Distribute every tenant table on tenant_id with Citus (co-located); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print the SQL only.")
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args, dry_run: bool, database: str, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("Citus is a PostgreSQL extension; this database is not PostgreSQL.")
        try:
            models = models_parents_first()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        tables = [model._meta.db_table for model in models]
        distributed = set() if dry_run else self.distributed_tables(connection)
        anchor = tables[0]
        for table in tables:
            if table in distributed:
                self.stdout.write(f"-- {table} is already distributed")
                continue
            colocate = "none" if table == anchor else anchor
            statement = (
                f"SELECT create_distributed_table('{table}', 'tenant_id', "
                f"colocate_with => '{colocate}')"
            )
            self.stdout.write(statement + ";")
            if not dry_run:
                with connection.cursor() as cursor:
                    cursor.execute(statement)
        if not dry_run:
            self.stdout.write(f"{len(tables)} tenant tables distributed on tenant_id.")

    def distributed_tables(self, connection) -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
            if cursor.fetchone() is None:
                raise CommandError(
                    "The citus extension is not installed in this database "
                    "(CREATE EXTENSION citus; as a superuser), or use --dry-run."
                )
            try:
                cursor.execute("SELECT logicalrelid::regclass::text FROM pg_dist_partition")
            except DatabaseError as exc:
                raise CommandError(f"Cannot read Citus metadata: {exc}") from exc
            return {row[0].strip('"') for row in cursor.fetchall()}
