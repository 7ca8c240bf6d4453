"""``manage.py tenancy_app_role <role>``: the PostgreSQL role the application runs as.

Superusers and roles with ``BYPASSRLS`` are never held to row-level security, so the app must not
connect as one. Run this once as the role that owns the tables (the one ``migrate`` runs as)::

    DATABASE_URL=postgresql://owner@db/controlplane manage.py tenancy_app_role controlplane_app \\
        --password-env APP_DB_PASSWORD

then serve with ``DATABASE_URL=postgresql://controlplane_app:...@db/controlplane``. The role gets
``LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE``, the right to read and write rows (not
to change the schema) in the current schema, and the same on tables and sequences that later
migrations create. ``--print`` shows the SQL instead of running it. Idempotent.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from psycopg import sql

GRANTS = (
    "GRANT CONNECT ON DATABASE {database} TO {role}",
    "GRANT USAGE ON SCHEMA {schema} TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
    "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
)


class Command(BaseCommand):
    help = "Create (or update) the PostgreSQL role the app runs as: no superuser, no BYPASSRLS."

    def add_arguments(self, parser):
        parser.add_argument("role", help="Name of the role, e.g. controlplane_app.")
        parser.add_argument("--password-env", help="Environment variable holding its password.")
        parser.add_argument("--database", default="default", help="Database alias.")
        parser.add_argument("--print", action="store_true", help="Print the SQL, run nothing.")

    def handle(self, *args, role, password_env, database, print: bool, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("tenancy_app_role is for PostgreSQL; SQLite has no roles.")
        password = None
        if password_env:
            password = os.environ.get(password_env)
            if not password:
                raise CommandError(f"The environment variable {password_env} is empty or unset.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database(), current_schema()")
            database_name, schema = cursor.fetchone()
            statements = self.statements(cursor, role, password, database_name, schema)
            for statement in statements:
                text = statement.as_string(cursor.connection)
                if print:
                    self.stdout.write(text + ";")
                else:
                    cursor.execute(text)
        if not print:
            self.stdout.write(f"Role {role} can read and write rows; row-level security holds it.")

    def statements(self, cursor, role, password, database_name, schema) -> list:
        names = {
            "role": sql.Identifier(role),
            "database": sql.Identifier(database_name),
            "schema": sql.Identifier(schema),
        }
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        verb = "ALTER" if cursor.fetchone() else "CREATE"
        attributes = "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
        create = sql.SQL(f"{verb} ROLE {{role}} {attributes}").format(**names)
        if password is not None:
            create = sql.SQL("{} PASSWORD {}").format(create, sql.Literal(password))
        return [create, *(sql.SQL(grant).format(**names) for grant in GRANTS)]
