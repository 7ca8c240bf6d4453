"""Readers of the environment variables behind ``controlplane/settings.py``.

Each returns a plain value and never raises on a malformed value: the settings keep what was
written, and the apps' system checks (``credentials.checks``, ``telemetry.checks``,
``quotas.checks``) report it by name. ``database(base_dir)`` builds ``DATABASES["default"]``.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}


def flag(name: str, default: str = "0") -> bool:
    """``1``/``true``/``yes``/``on`` (any case) -> ``True``; anything else ``False``."""
    return os.environ.get(name, default).strip().lower() in TRUE


def text(name: str, default: str | None = None) -> str | None:
    """The variable, or ``default`` when unset or empty."""
    return os.environ.get(name) or default


def file_text(name: str) -> str | None:
    """The content of the file the variable names (``None`` when unset)."""
    path = os.environ.get(name)
    return Path(path).read_text() if path else None


def items(name: str, default: str = "") -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def whole_number(name: str, default: str) -> int | str:
    """A non-negative integer, or the text as written (for the checks to report)."""
    value = os.environ.get(name, default).strip()
    return int(value) if value.isdigit() else value


def pairs(name: str) -> dict[str, str | int]:
    """``"a=1,b=2/second"`` -> ``{"a": 1, "b": "2/second"}``."""
    result = {}
    for item in items(name):
        key, _, value = item.partition("=")
        if key.strip():
            value = value.strip()
            result[key.strip()] = int(value) if value.isdigit() else value
    return result


def database(base_dir: Path, *, web_threads: int) -> dict:
    """``DATABASES["default"]`` from ``DATABASE_URL`` (dj-database-url; unset or empty: SQLite
    ``<base_dir>/db.sqlite3``), README "Configuration":

    - SQLite: write-ahead log, transactions that take the write lock up front and a 20 s busy
      timeout, so concurrent writers wait instead of failing with "database is locked";
      ``CONN_MAX_AGE`` (default 60).
    - PostgreSQL: Django's native pool of at most ``DB_POOL_MAX_SIZE`` connections (default
      ``web_threads``; ``0``: no pool), ``DB_POOL_MIN_SIZE`` (0), ``DB_POOL_MAX_IDLE`` (60 s) and
      ``DB_POOL_TIMEOUT`` (10 s, then 503 ``DATABASE_UNAVAILABLE``); ``CONN_MAX_AGE`` (default 0;
      ``ImproperlyConfigured`` when set with the pool); no server-side cursors, since every
      statement carries its tenant setting (``tenancy.rls``), which ``DECLARE ... CURSOR`` cannot.
    """
    url = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{base_dir / 'db.sqlite3'}"
    config = dj_database_url.parse(url, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
        config.setdefault("OPTIONS", {}).update(
            {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "0"))
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
        max_size = int(os.environ.get("DB_POOL_MAX_SIZE", str(web_threads)))
        if max_size > 0:
            if config["CONN_MAX_AGE"]:
                raise ImproperlyConfigured(
                    "CONN_MAX_AGE must be 0 with the connection pool (DB_POOL_MAX_SIZE > 0): the "
                    "pool keeps connections open. Unset CONN_MAX_AGE, or set DB_POOL_MAX_SIZE=0."
                )
            config.setdefault("OPTIONS", {})["pool"] = {
                "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "0")),
                "max_size": max_size,
                "max_idle": float(os.environ.get("DB_POOL_MAX_IDLE", "60")),
                "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),
            }
    return config
