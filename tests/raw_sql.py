"""Raw SQL for tests that must write what the ORM refuses (corrupted rows, rows without a
tenant): run as system code, through ``tenancy.rls.bypass_row_security()``, the one named way
past PostgreSQL's row-level security."""

from django.db import connection

from tenancy.rls import bypass_row_security


def execute_as_system(sql: str, params=None) -> int:
    """Execute ``sql`` with ``params`` past row-level security; returns the row count."""
    with bypass_row_security(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
