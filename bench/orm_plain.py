"""Plain Django models with the columns, indexes and constraints of ``Agent``, ``Policy`` and
``AgentPolicy`` but no stamping and no scoping: the baseline of ``orm_stamping.py``. Their tables
get the database wall's keys too (``(tenant_id, id)`` primary keys, composite deferrable foreign
keys, the tenant id ``CHECK``), so the ratio measures what the ORM adds, not the keys.

Defining models needs Django set up: ``bench/orm.py`` imports this module after ``setup_django()``.
"""

from django.db import connection, models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual

from tenancy.schema import TENANT_ID_REGEX


class PlainAgent(models.Model):
    """Agent's columns, indexes and constraints on a plain model (no stamping, no scoping)."""

    tenant_id = models.CharField(max_length=64, db_default="default-tenant")
    name = models.CharField(max_length=255)
    description = models.TextField(null=True)
    version = models.CharField(max_length=255, null=True)
    metadata = models.JSONField(null=True)
    reported_created_at = models.CharField(max_length=64, null=True)
    reported_updated_at = models.CharField(max_length=64, null=True)
    steps = models.JSONField(default=list)
    evaluators = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "bench"
        db_table = "bench_plain_agent"
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "name"], name="bench_pa_tenant_name"),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("name"), 10), name="bench_pa_name_len"
            ),
            models.CheckConstraint(
                condition=models.Q(name__regex=r"^[a-z0-9:_-]+$"), name="bench_pa_name_format"
            ),
        ]
        indexes = [models.Index(fields=["tenant_id", "-created_at", "-name"], name="bench_pa_tc")]

    def __str__(self):
        return self.name


class PlainPolicy(models.Model):
    tenant_id = models.CharField(max_length=64, db_default="default-tenant")
    name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "bench"
        db_table = "bench_plain_policy"
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "name"], name="bench_pp_tenant_name")
        ]

    def __str__(self):
        return self.name


class PlainAgentPolicy(models.Model):
    tenant_id = models.CharField(max_length=64, db_default="default-tenant")
    agent = models.ForeignKey(PlainAgent, on_delete=models.CASCADE)
    policy = models.ForeignKey(PlainPolicy, on_delete=models.CASCADE)

    class Meta:
        app_label = "bench"
        db_table = "bench_plain_agentpolicy"
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "agent", "policy"], name="bench_pap_pair")
        ]
        indexes = [models.Index(fields=["tenant_id", "policy"], name="bench_pap_pol")]

    def __str__(self):
        return f"{self.agent_id}->{self.policy_id}"


def create_tables() -> None:
    """Create the three plain tables (they have no migrations)."""
    with connection.schema_editor() as editor:
        for model in (PlainAgent, PlainPolicy, PlainAgentPolicy):
            editor.create_model(model)
    with connection.cursor() as cursor:
        for statement in _wall_statements(cursor):
            cursor.execute(statement)


def _constraints(cursor, table: str, kind: str) -> list[str]:
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = %s",
        [table, kind],
    )
    return [row[0] for row in cursor.fetchall()]


def _wall_statements(cursor) -> list[str]:
    """The keys ``tenancy.schema`` gives our tenant tables, on the plain tables."""
    link = PlainAgentPolicy._meta.db_table
    statements = [
        f'ALTER TABLE {link} DROP CONSTRAINT "{name}"' for name in _constraints(cursor, link, "f")
    ]
    for model in (PlainAgent, PlainPolicy, PlainAgentPolicy):
        table = model._meta.db_table
        (pk,) = _constraints(cursor, table, "p")
        statements.append(
            f'ALTER TABLE {table} DROP CONSTRAINT "{pk}", ADD PRIMARY KEY (tenant_id, id), '
            f"ADD CONSTRAINT {table}_tenant_id_valid CHECK (tenant_id ~ '{TENANT_ID_REGEX}')"
        )
    for column, parent in (("agent_id", PlainAgent), ("policy_id", PlainPolicy)):
        statements.append(
            f"ALTER TABLE {link} ADD FOREIGN KEY (tenant_id, {column}) REFERENCES "
            f"{parent._meta.db_table} (tenant_id, id) DEFERRABLE INITIALLY DEFERRED"
        )
    return statements
