"""Settings of the control plane.

Environment variables (all optional; README, "Configuration" lists them with their defaults):

- ``DATABASE_URL``: a dj-database-url URL; default ``sqlite:///<repo>/db.sqlite3``. For PostgreSQL
  use ``postgresql://user@127.0.0.1:5432/name`` (psycopg 3).
- PostgreSQL connections come from Django's native pool (psycopg_pool), one pool per process:
  ``DB_POOL_MAX_SIZE`` (default ``WEB_THREADS``, so every request thread can hold one),
  ``DB_POOL_MIN_SIZE`` (default 0), ``DB_POOL_MAX_IDLE`` (seconds an idle connection is kept,
  default 60) and ``DB_POOL_TIMEOUT`` (seconds a request waits for a connection before it is
  answered 503 ``DATABASE_UNAVAILABLE``, default 10). ``DB_POOL_MAX_SIZE=0`` turns the pool off.
- ``CONN_MAX_AGE``: seconds a connection outlives its request when there is no pool (default 60
  on SQLite, 0 on PostgreSQL without a pool); it must be 0 with the pool.
- ``WEB_THREADS``: threads per server process (``controlplane/gunicorn.conf.py`` reads it too).
- ``DJANGO_SECRET_KEY``: required when ``DJANGO_DEBUG`` is off; the server refuses to start with
  the public development key then (``controlplane.security``). ``./dev`` generates a local key
  in the git-ignored ``.secret_key`` once and exports it, so nothing needs exporting locally.
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
- ``DJANGO_SECURE_SSL``: ``1`` behind a TLS-terminating proxy that sets ``X-Forwarded-Proto``:
  redirects to HTTPS, secure cookies, HSTS (``check --deploy`` expects it).

The tenancy settings (``TENANCY_RESOLVER``, ``TENANCY_DEFAULT_TENANT_ID``) keep their defaults from
``tenancy.conf``; ``TENANCY_AUTHENTICATOR`` and ``TENANCY_FAILURE_VIEW`` plug in the credentials app
and the API's error envelope. ``credentials.conf`` documents the ``CREDENTIALS_*`` settings.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from controlplane.security import DEVELOPMENT_SECRET_KEY

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE = {"1", "true", "True", "yes"}

# The public development key: refused when DEBUG is off (controlplane.security, check
# controlplane.E001, and at WSGI/ASGI start-up).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEVELOPMENT_SECRET_KEY
DEBUG = os.environ.get("DJANGO_DEBUG", "") in TRUE
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "controlplane",  # first: its runserver reads a body without Content-Type as JSON
    # django.contrib.admin with the operators' site (tenant overview) as admin.site.
    "operators.apps.OperatorsAdminConfig",
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
    "operators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
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

WEB_THREADS = int(os.environ.get("WEB_THREADS", "4"))

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_health_checks=True
    )
}
_DB = DATABASES["default"]
if _DB["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers (several threads and processes) wait for the lock instead of failing
    # with "database is locked": write-ahead log, transactions that take the write lock up front,
    # and a busy timeout.
    _DB["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
    _DB.setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif _DB["ENGINE"] == "django.db.backends.postgresql":
    # A bounded pool per process: at most DB_POOL_MAX_SIZE connections whatever the load; a
    # request that waits DB_POOL_TIMEOUT seconds for one is answered 503 DATABASE_UNAVAILABLE.
    _DB["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "0"))
    # Every statement is sent with its tenant setting (tenancy.rls), which a server-side cursor
    # (DECLARE ... CURSOR) cannot carry; PgBouncer in transaction mode needs this too.
    _DB["DISABLE_SERVER_SIDE_CURSORS"] = True
    _POOL_MAX_SIZE = int(os.environ.get("DB_POOL_MAX_SIZE", str(WEB_THREADS)))
    if _POOL_MAX_SIZE > 0:
        if _DB["CONN_MAX_AGE"]:
            raise ImproperlyConfigured(
                "CONN_MAX_AGE must be 0 with the connection pool (DB_POOL_MAX_SIZE > 0): the pool "
                "keeps connections open. Unset CONN_MAX_AGE, or set DB_POOL_MAX_SIZE=0."
            )
        _DB.setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "0")),
            "max_size": _POOL_MAX_SIZE,
            "max_idle": float(os.environ.get("DB_POOL_MAX_IDLE", "60")),
            "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),
        }

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

# Static files (admin, Swagger UI) are served by WhiteNoise under every server. ./dev serve and
# the README's production command collect them into STATIC_ROOT (git-ignored) at start-up, where
# they are also compressed; the finders are a fallback, so a command that skipped collectstatic
# (./dev manage runserver, the test client) still renders the admin and Swagger UI.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Behind a TLS-terminating proxy (DJANGO_SECURE_SSL=1): HTTPS only, secure cookies, HSTS.
if os.environ.get("DJANGO_SECURE_SSL", "") in TRUE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^health$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

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
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "controlplane.api.handlers.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "controlplane.api.schema.APIAutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Control plane: agent-control v1 API",
    "DESCRIPTION": (
        "Agents, controls and policies for AI-agent guardrails, wire-compatible with the "
        "agent-control server 8.15 v1 REST API. Every row belongs to the tenant named by the "
        "X-Tenant-Id header (default 'default-tenant'). Request bodies must match the schemas "
        "below (JSON types are strict), numbers must be finite, strings must not contain NUL "
        "(U+0000); errors use the Problem envelope."
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
    # Every operation documents its error responses (the envelope), controlplane.api.openapi.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "controlplane.api.openapi.document_errors",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
