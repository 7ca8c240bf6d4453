"""Which tenant tables a SQL statement touches without a tenant predicate (parsed with sqlglot).

A tenant table (alias) in a statement is *anchored* when its ``tenant_id`` is compared with a value
(``= %s``, ``IN (...)``), when it is the target of an ``INSERT`` that writes ``tenant_id``, or when
its ``tenant_id`` is equated with the ``tenant_id`` of an anchored table (join conditions),
transitively. A distributed database can route such a statement to one shard, and row-level
security's predicate agrees with it.
"""

from dataclasses import dataclass, field

import sqlglot
from sqlglot import expressions as exp

from tenancy.rls import row_security_bypassed
from tenancy.schema import tenant_models

ROW_STATEMENTS = ("select", "insert", "update", "delete", "with", "(")


def tenant_tables() -> set[str]:
    return {model._meta.db_table for model in tenant_models()}


@dataclass
class _Anchors:
    parent: dict = field(default_factory=dict)
    anchored: set = field(default_factory=set)

    def find(self, key):
        while self.parent.get(key, key) != key:
            key = self.parent[key]
        return key

    def union(self, a, b):
        self.parent[self.find(a)] = self.find(b)

    def is_anchored(self, alias) -> bool:
        root = self.find(alias)
        return any(self.find(a) == root for a in self.anchored)


def _tenant_column(node) -> str | None:
    """The table alias of a ``<alias>.tenant_id`` column (``""`` when unqualified)."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Column) and node.name == "tenant_id":
        return node.table or ""
    return None


def _is_value(node) -> bool:
    return isinstance(
        node, exp.Literal | exp.Placeholder | exp.Parameter | exp.Tuple | exp.Cast | exp.Null
    )


def _numbered(sql: str) -> str:
    """``%s`` -> ``$1``, ``$2``, ... (PostgreSQL's ``?`` is a jsonb operator)."""
    parts = sql.split("%s")
    return "".join(f"{part}${index}" for index, part in enumerate(parts[:-1], 1)) + parts[-1]


def unanchored_tenant_tables(sql: str, dialect: str) -> set[str]:
    """The tenant tables ``sql`` reads or writes without a tenant predicate (empty when it is a
    statement on rows of one tenant). ``sql`` uses ``%s`` placeholders, as Django sends it."""
    if not sql.lstrip()[:6].lower().startswith(ROW_STATEMENTS):
        return set()
    tree = sqlglot.parse_one(
        _numbered(sql) if dialect == "postgres" else sql.replace("%s", "?"), read=dialect
    )
    tables = tenant_tables()
    aliases = {}  # alias -> table name
    for table in tree.find_all(exp.Table):
        if table.name in tables:
            aliases[table.alias_or_name] = table.name
    if not aliases:
        return set()
    anchors = _Anchors()
    single = next(iter(aliases)) if len(aliases) == 1 else None
    for eq in tree.find_all(exp.EQ, exp.In):
        left = _tenant_column(eq.this)
        right = _tenant_column(eq.expression) if isinstance(eq, exp.EQ) else None
        if left is not None and right is not None:
            anchors.union(left or single, right or single)
        elif left is not None and (isinstance(eq, exp.In) or _is_value(eq.expression)):
            anchors.anchored.add(left or single)
        elif right is not None and _is_value(eq.this):
            anchors.anchored.add(right or single)
    if isinstance(tree, exp.Insert):
        columns = [column.name for column in tree.this.expressions] if tree.this else []
        if "tenant_id" in columns:
            anchors.anchored.add(tree.this.this.alias_or_name)
    return {table for alias, table in aliases.items() if not anchors.is_anchored(alias)}


class StatementRecorder:
    """A ``connection.execute_wrapper`` keeping ``(sql, bypassed)`` for every statement, where
    ``bypassed`` says whether it ran inside ``bypass_row_security()``."""

    def __init__(self):
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, row_security_bypassed()))
        return execute(sql, params, many, context)
