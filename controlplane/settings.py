"""Settings of the control plane.

Environment variables (all optional):

- ``DATABASE_URL``: a dj-database-url URL; default ``sqlite:///<repo>/db.sqlite3``. For PostgreSQL
  use ``postgresql://user@127.0.0.1:5432/name`` (psycopg 3).
- ``CONN_MAX_AGE``: seconds a database connection is kept open (default 60; 0 closes per request).
- ``DJANGO_SECRET_KEY``: set it in production; when unset, a fixed, public development key is
  used (whatever ``DJANGO_DEBUG`` says).
- ``DJANGO_DEBUG``: ``1`` to enable debug pages (default off, so errors keep the API envelope).
- ``DJANGO_ALLOWED_HOSTS``: comma-separated; default ``127.0.0.1,localhost,[::1]``.
- ``CONTROLPLANE_AUTH_MODE``: ``none`` (default; the ``X-Tenant-Id`` header is trusted:
  development only), ``api_key`` (``X-API-Key`` keys of one tenant, ``manage.py apikeys``) or
  ``jwt`` (identity-provider bearer tokens): ``CREDENTIALS_MODE``.
- ``CONTROLPLANE_JWT_KEY`` (or ``CONTROLPLANE_JWT_KEY_FILE``, a PEM file), ``CONTROLPLANE_JWT_ALGORITHMS``
  (comma-separated, default ``HS256``), ``CONTROLPLANE_JWT_ISSUER``, ``CONTROLPLANE_JWT_AUDIENCE``,
  ``CONTROLPLANE_JWT_TENANT_CLAIM`` (default ``tenant_id``), ``CONTROLPLANE_JWT_ROLE_CLAIM`` (default
  ``role``): the ``jwt`` mode (``credentials.identity_tokens``).
- ``CONTROLPLANE_RUNTIME_TOKEN_SECRET`` (>= 32 bytes; unset: the runtime token exchange answers 503)
  and ``CONTROLPLANE_RUNTIME_TOKEN_TTL`` (seconds, default 300): runtime tokens.

- ``CONTROLPLANE_METRICS`` (default ``1``; ``0`` turns ``/metrics`` and the counting off),
  ``CONTROLPLANE_METRICS_PREFIX`` (or the reference's ``AGENT_CONTROL_PROMETHEUS_METRICS_PREFIX``;
  default ``agent_control_server``), ``CONTROLPLANE_METRICS_TENANTS`` (per-tenant series for at
  most N tenants per process; default 0: none), ``CONTROLPLANE_METRICS_TOKEN`` and
  ``CONTROLPLANE_METRICS_NETWORKS`` (who may scrape ``/metrics`` when authentication is on):
  ``telemetry.conf``.
- ``CONTROLPLANE_LOG_JSON`` (``1``: JSON log lines), ``CONTROLPLANE_REQUEST_LOG`` (default ``1``:
  one line per request) and ``DJANGO_LOG_LEVEL`` (default ``WARNING``; request lines are INFO on
  ``controlplane.requests``, shown whatever it says while ``CONTROLPLANE_REQUEST_LOG`` is on).
- ``CONTROLPLANE_QUOTAS`` (``agents=100,controls=1000,policies=100,events=1000000``),
  ``CONTROLPLANE_RATE_LIMITS`` (``runtime=100/second,read=20/second,write=5/second``),
  ``CONTROLPLANE_REDIS_URL`` (rate limits need it), ``CONTROLPLANE_REDIS_KEY_PREFIX`` (default
  ``controlplane:ratelimit``), ``CONTROLPLANE_RATE_LIMITS_FAIL_OPEN`` (default ``1``):
  ``quotas.conf``.

The tenancy settings (``TENANCY_RESOLVER``, ``TENANCY_DEFAULT_TENANT_ID``) keep their defaults from
``tenancy.conf``; ``TENANCY_AUTHENTICATOR`` and ``TENANCY_FAILURE_VIEW`` plug in the credentials app
and the API's error envelope. ``credentials.conf`` documents the ``CREDENTIALS_*`` settings.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "django-insecure-controlplane-development-key-change-me"
)
DEBUG = os.environ.get("DJANGO_DEBUG", "") in {"1", "true", "True", "yes"}
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "tenancy",
    "credentials",
    "agents",
    "policies",
    "observability",
    "telemetry",
    "quotas",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # First after security: the request id, metrics and log line of every response.
    "telemetry.middleware.RequestTelemetryMiddleware",
    "controlplane.api.middleware.ServerVersionMiddleware",
    "tenancy.middleware.TenantMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "controlplane.urls"

# Who calls, as which tenant: TenantMiddleware asks the credentials app, which follows
# CREDENTIALS_MODE (below); requests it refuses (a malformed tenant id, a refused credential) get
# the API's error envelope.
TENANCY_AUTHENTICATOR = "credentials.authenticators.ModeAuthenticator"
TENANCY_FAILURE_VIEW = "controlplane.api.handlers.tenancy_failure"


def _env_file(name: str) -> str | None:
    path = os.environ.get(name)
    return Path(path).read_text() if path else None


CREDENTIALS_MODE = os.environ.get("CONTROLPLANE_AUTH_MODE", "none").strip().lower()
CREDENTIALS_JWT_KEY = os.environ.get("CONTROLPLANE_JWT_KEY") or _env_file(
    "CONTROLPLANE_JWT_KEY_FILE"
)
CREDENTIALS_JWT_ALGORITHMS = [
    name.strip()
    for name in os.environ.get("CONTROLPLANE_JWT_ALGORITHMS", "HS256").split(",")
    if name.strip()
]
CREDENTIALS_JWT_ISSUER = os.environ.get("CONTROLPLANE_JWT_ISSUER") or None
CREDENTIALS_JWT_AUDIENCE = os.environ.get("CONTROLPLANE_JWT_AUDIENCE") or None
CREDENTIALS_JWT_TENANT_CLAIM = os.environ.get("CONTROLPLANE_JWT_TENANT_CLAIM", "tenant_id")
CREDENTIALS_JWT_ROLE_CLAIM = os.environ.get("CONTROLPLANE_JWT_ROLE_CLAIM", "role")
CREDENTIALS_RUNTIME_TOKEN_SECRET = os.environ.get("CONTROLPLANE_RUNTIME_TOKEN_SECRET") or None
_TTL = os.environ.get("CONTROLPLANE_RUNTIME_TOKEN_TTL", "300").strip()
CREDENTIALS_RUNTIME_TOKEN_TTL_SECONDS = int(_TTL) if _TTL.isdigit() else _TTL


def _env_flag(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def _env_pairs(name: str) -> dict[str, str | int]:
    """``"a=1,b=2/second"`` -> ``{"a": 1, "b": "2/second"}`` (the checks report bad values)."""
    pairs = {}
    for item in os.environ.get(name, "").split(","):
        key, _, value = item.partition("=")
        if key.strip():
            value = value.strip()
            pairs[key.strip()] = int(value) if value.isdigit() else value
    return pairs


# Metrics and request-scoped logs (telemetry.conf).
TELEMETRY_METRICS = _env_flag("CONTROLPLANE_METRICS", "1")
TELEMETRY_METRICS_PREFIX = (
    os.environ.get("CONTROLPLANE_METRICS_PREFIX")
    or os.environ.get("AGENT_CONTROL_PROMETHEUS_METRICS_PREFIX")
    or "agent_control_server"
)
_TENANT_SERIES = os.environ.get("CONTROLPLANE_METRICS_TENANTS", "0").strip()
TELEMETRY_TENANT_SERIES = int(_TENANT_SERIES) if _TENANT_SERIES.isdigit() else _TENANT_SERIES
TELEMETRY_SCRAPE_TOKEN = os.environ.get("CONTROLPLANE_METRICS_TOKEN") or None
TELEMETRY_SCRAPE_NETWORKS = [
    net.strip()
    for net in os.environ.get("CONTROLPLANE_METRICS_NETWORKS", "").split(",")
    if net.strip()
]
TELEMETRY_REQUEST_LOG = _env_flag("CONTROLPLANE_REQUEST_LOG", "1")

# Quotas and rate limits per tenant (quotas.conf); TenantLimits rows override them per tenant.
QUOTAS_DEFAULT = _env_pairs("CONTROLPLANE_QUOTAS")
QUOTAS_RATE_LIMITS = _env_pairs("CONTROLPLANE_RATE_LIMITS")
QUOTAS_REDIS_URL = os.environ.get("CONTROLPLANE_REDIS_URL") or None
QUOTAS_REDIS_KEY_PREFIX = (
    os.environ.get("CONTROLPLANE_REDIS_KEY_PREFIX") or "controlplane:ratelimit"
)
QUOTAS_RATE_LIMITS_FAIL_OPEN = _env_flag("CONTROLPLANE_RATE_LIMITS_FAIL_OPEN", "1")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "controlplane.wsgi.application"
ASGI_APPLICATION = "controlplane.asgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Every statement is sent with its tenant setting (tenancy.rls), which a server-side cursor
    # (DECLARE ... CURSOR) cannot carry; PgBouncer in transaction mode needs this too.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers (runserver is threaded) wait for the lock instead of failing with
    # "database is locked": write-ahead log, transactions that take the write lock up front, and
    # a busy timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# Request bodies up to 10 MiB (1,000 observability events with metadata); larger ones are a 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["controlplane.api.parsers.StrictJSONParser"],
    # JSON whatever the Accept header says, as the reference; no ?format= override, no OPTIONS.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "controlplane.api.negotiation.JSONOnlyNegotiation",
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_METADATA_CLASS": None,
    # The principal TenantMiddleware authenticated (nothing authenticates twice), and the
    # operation each view action declares (controlplane.api.operations).
    "DEFAULT_AUTHENTICATION_CLASSES": ["controlplane.api.auth.PrincipalAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["controlplane.api.auth.OperationPermission"],
    # Per-tenant rate limits by operation class (quotas.throttling; off without a rate).
    "DEFAULT_THROTTLE_CLASSES": ["quotas.throttling.TenantRateThrottle"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "controlplane.api.handlers.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "controlplane.api.schema.APIAutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Control plane: agent-control v1 API",
    "DESCRIPTION": (
        "Agents, controls and policies for AI-agent guardrails, wire-compatible with the "
        "agent-control server 8.15 v1 REST API. Every row belongs to the tenant named by the "
        "X-Tenant-Id header (default 'default-tenant')."
    ),
    "VERSION": "1.0.0",
    # OpenAPI 3.1: the pydantic models' JSON Schema (optional fields as {"type": "null"}) is valid.
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's assets are served from the installed sidecar package, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # The step stage ("pre"/"post") appears in several models; document it once.
    "ENUM_NAME_OVERRIDES": {"StageEnum": ["pre", "post"]},
}

# Every line carries the request id, tenant and principal (telemetry.logs); JSON on request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "telemetry.logs.RequestContextFilter"}},
    "formatters": {
        "text": {"()": "telemetry.logs.TextFormatter"},
        "json": {"()": "telemetry.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": "json" if _env_flag("CONTROLPLANE_LOG_JSON", "0") else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {"controlplane.requests": {"level": "INFO"}},
}
