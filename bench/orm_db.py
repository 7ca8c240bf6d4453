"""Database helpers shared by the ORM-level benchmark sections (``bench/orm.py``)."""

from django.db import connection


def truncate(*tables: str) -> None:
    """Empty ``tables`` (and what references them) and restart their id sequences."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def quiet_session() -> None:
    """Same for both sides: no fsync wait per commit (its jitter swamped a 2 % difference)."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
