"""Settings of the control plane.

Every environment variable is optional; README "Configuration" lists them with their defaults,
``controlplane.environment`` reads them, and each app's ``conf`` module documents its settings
(``tenancy.conf``, ``credentials.conf``, ``telemetry.conf``, ``quotas.conf``). Without
``DJANGO_DEBUG=1`` the server refuses to start without ``DJANGO_SECRET_KEY``
(``controlplane.security``; ``./dev`` generates a git-ignored ``.secret_key`` and exports it).

The tenancy settings (``TENANCY_RESOLVER``, ``TENANCY_DEFAULT_TENANT_ID``) keep their defaults from
``tenancy.conf``; ``TENANCY_AUTHENTICATOR`` and ``TENANCY_FAILURE_VIEW`` plug in the credentials app
and the API's error envelope. ``credentials.conf`` documents the ``CREDENTIALS_*`` settings.
"""

import os
from pathlib import Path

from controlplane import environment as env
from controlplane.security import DEVELOPMENT_SECRET_KEY

BASE_DIR = Path(__file__).resolve().parent.parent

# The public development key: refused when DEBUG is off (controlplane.security, check
# controlplane.E001, and at WSGI/ASGI start-up).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEVELOPMENT_SECRET_KEY
DEBUG = env.flag("DJANGO_DEBUG")
ALLOWED_HOSTS = env.items("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

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
    "telemetry",
    "quotas",
    "operators",
]

MIDDLEWARE = [
    # Outermost: the request id, metrics and log line of every response (HTTPS redirects, a
    # refused Host and static files included).
    "telemetry.middleware.RequestTelemetryMiddleware",
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


CREDENTIALS_MODE = os.environ.get("CONTROLPLANE_AUTH_MODE", "none").strip().lower()
CREDENTIALS_JWT_KEY = env.text("CONTROLPLANE_JWT_KEY") or env.file_text("CONTROLPLANE_JWT_KEY_FILE")
CREDENTIALS_JWT_ALGORITHMS = env.items("CONTROLPLANE_JWT_ALGORITHMS", "HS256")
CREDENTIALS_JWT_ISSUER = env.text("CONTROLPLANE_JWT_ISSUER")
CREDENTIALS_JWT_AUDIENCE = env.text("CONTROLPLANE_JWT_AUDIENCE")
CREDENTIALS_JWT_TENANT_CLAIM = os.environ.get("CONTROLPLANE_JWT_TENANT_CLAIM", "tenant_id")
CREDENTIALS_JWT_ROLE_CLAIM = os.environ.get("CONTROLPLANE_JWT_ROLE_CLAIM", "role")
CREDENTIALS_RUNTIME_TOKEN_SECRET = env.text("CONTROLPLANE_RUNTIME_TOKEN_SECRET")
CREDENTIALS_RUNTIME_TOKEN_TTL_SECONDS = env.whole_number("CONTROLPLANE_RUNTIME_TOKEN_TTL", "300")

# Metrics and request-scoped logs (telemetry.conf).
TELEMETRY_METRICS = env.flag("CONTROLPLANE_METRICS", "1")
TELEMETRY_METRICS_PREFIX = (
    env.text("CONTROLPLANE_METRICS_PREFIX")
    or env.text("AGENT_CONTROL_PROMETHEUS_METRICS_PREFIX")
    or "agent_control_server"
)
TELEMETRY_TENANT_SERIES = env.whole_number("CONTROLPLANE_METRICS_TENANTS", "0")
TELEMETRY_SCRAPE_TOKEN = env.text("CONTROLPLANE_METRICS_TOKEN")
TELEMETRY_SCRAPE_NETWORKS = env.items("CONTROLPLANE_METRICS_NETWORKS")
TELEMETRY_REQUEST_LOG = env.flag("CONTROLPLANE_REQUEST_LOG", "1")

# Quotas and rate limits per tenant (quotas.conf); TenantLimits rows override them per tenant.
QUOTAS_DEFAULT = env.pairs("CONTROLPLANE_QUOTAS")
QUOTAS_RATE_LIMITS = env.pairs("CONTROLPLANE_RATE_LIMITS")
QUOTAS_REDIS_URL = env.text("CONTROLPLANE_REDIS_URL")
QUOTAS_REDIS_KEY_PREFIX = env.text("CONTROLPLANE_REDIS_KEY_PREFIX", "controlplane:ratelimit")
QUOTAS_RATE_LIMITS_FAIL_OPEN = env.flag("CONTROLPLANE_RATE_LIMITS_FAIL_OPEN", "1")

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

# SQLite or PostgreSQL (with its per-process pool), from DATABASE_URL: controlplane.environment.
DATABASES = {"default": env.database(BASE_DIR, web_threads=WEB_THREADS)}

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
if env.flag("DJANGO_SECURE_SSL"):
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
        "agent-control server 8.15 v1 REST API. Every row belongs to one tenant: the caller's "
        "credential's (an X-API-Key or a bearer token; Authorize below), or, when the server "
        "runs without authentication (development), the X-Tenant-Id header's (default "
        "'default-tenant'). Request bodies must match the schemas "
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
        "null": {"class": "logging.NullHandler"},
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": "json" if env.flag("CONTROLPLANE_LOG_JSON") else "text",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "controlplane.requests": {"level": "INFO"},
        # A refused Host is answered 400 in the envelope and has its request line; Django's
        # ERROR with a traceback for each one would only flood the log (scanners, IP health checks).
        "django.security.DisallowedHost": {"handlers": ["null"], "propagate": False},
    },
}
