"""A portable "JSON array at this path contains this string" expression.

Django's ``__contains`` on a ``JSONField`` key is PostgreSQL-only (``@>``); SQLite has no
containment operator. ``JSONArrayContains`` compiles to ``@>`` on PostgreSQL and to a
``json_each`` subquery on SQLite, so the control list's ``tag`` / ``step_type`` / ``stage``
filters behave the same on both. Use it as a boolean expression: ``.filter(JSONArrayContains(...))``
or inside ``Q(...)``.
"""

import json

from django.db.models import BooleanField, F, Func
from django.db.utils import NotSupportedError


class JSONArrayContains(Func):
    """True when ``column`` at ``path`` (keys from the root) is a JSON array holding ``value``."""

    output_field = BooleanField()

    def __init__(self, column: str, path: tuple[str, ...], value: str):
        self.path = tuple(path)
        self.value = value
        super().__init__(F(column))

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"JSONArrayContains is not implemented for {connection.vendor}.")

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        sql = f"COALESCE(({column} #> %s) @> %s::jsonb, false)"
        return sql, (*params, list(self.path), json.dumps([self.value]))

    def as_sqlite(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        path = "$" + "".join(f".{json.dumps(key)}" for key in self.path)
        sql = (
            f"(json_type({column}, %s) = 'array' AND EXISTS (SELECT 1 FROM "
            f"json_each({column}, %s) AS item WHERE item.type = 'text' AND item.value = %s))"
        )
        return sql, (*params, path, *params, path, self.value)
