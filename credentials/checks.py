"""System checks of the credentials settings (``manage.py check``, server start).

| id               | problem                                                                  |
| ---------------- | ------------------------------------------------------------------------ |
| credentials.E001 | ``CREDENTIALS_MODE`` is not ``none``, ``api_key`` or ``jwt``.              |
| credentials.E002 | a credential mode is set but ``TENANCY_AUTHENTICATOR`` does not use it.  |
| credentials.E003 | ``jwt`` mode without ``CREDENTIALS_JWT_KEY``.                            |
| credentials.E004 | ``CREDENTIALS_JWT_ALGORITHMS`` is not a non-empty list of known algorithms. |
| credentials.E005 | ``CREDENTIALS_RUNTIME_TOKEN_SECRET`` is shorter than 32 bytes.           |
| credentials.E006 | ``CREDENTIALS_RUNTIME_TOKEN_TTL_SECONDS`` is not an integer in 1..86400. |
| credentials.W001 | (deploy) ``none`` mode with ``DEBUG`` off: any caller names any tenant.   |
"""

from django.conf import settings
from django.core import checks
from jwt.algorithms import get_default_algorithms

from .conf import MODES, get_setting, setting_name

AUTHENTICATOR = "credentials.authenticators.ModeAuthenticator"
MIN_SECRET_BYTES = 32
MAX_TTL_SECONDS = 86400


def _error(message: str, hint: str, number: int) -> checks.Error:
    return checks.Error(message, hint=hint, id=f"credentials.E{number:03d}")


@checks.register(checks.Tags.security)
def check_mode(app_configs=None, **kwargs):
    """credentials.E001-E003."""
    mode, name = get_setting("MODE"), setting_name("MODE")
    if mode not in MODES:
        return [_error(f"{name} = {mode!r} is not a mode.", f"Use one of {', '.join(MODES)}.", 1)]
    errors = []
    if mode != "none" and getattr(settings, "TENANCY_AUTHENTICATOR", None) != AUTHENTICATOR:
        errors.append(
            _error(
                f"{name} = {mode!r} has no effect: TENANCY_AUTHENTICATOR is not {AUTHENTICATOR}.",
                f"Set TENANCY_AUTHENTICATOR = {AUTHENTICATOR!r}.",
                2,
            )
        )
    if mode == "jwt" and not get_setting("JWT_KEY"):
        errors.append(
            _error(
                f"{name} = 'jwt' needs {setting_name('JWT_KEY')}.",
                "Set it to the identity provider's HS256 secret or PEM public key "
                "(CONTROLPLANE_JWT_KEY or CONTROLPLANE_JWT_KEY_FILE).",
                3,
            )
        )
    return errors


@checks.register(checks.Tags.security)
def check_tokens(app_configs=None, **kwargs):
    """credentials.E004-E006."""
    errors = []
    algorithms = get_setting("JWT_ALGORITHMS")
    known = set(get_default_algorithms()) - {"none"}
    if isinstance(algorithms, str) or not algorithms or not set(algorithms) <= known:
        errors.append(
            _error(
                f"{setting_name('JWT_ALGORITHMS')} = {algorithms!r} is not a list of known "
                "algorithms.",
                f"Use a list drawn from {', '.join(sorted(known))}.",
                4,
            )
        )
    secret = get_setting("RUNTIME_TOKEN_SECRET")
    if secret and len(str(secret).encode()) < MIN_SECRET_BYTES:
        errors.append(
            _error(
                f"{setting_name('RUNTIME_TOKEN_SECRET')} is shorter than {MIN_SECRET_BYTES} bytes.",
                "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'.",
                5,
            )
        )
    ttl = get_setting("RUNTIME_TOKEN_TTL_SECONDS")
    if isinstance(ttl, bool) or not isinstance(ttl, int) or not 1 <= ttl <= MAX_TTL_SECONDS:
        errors.append(
            _error(
                f"{setting_name('RUNTIME_TOKEN_TTL_SECONDS')} = {ttl!r} is not an integer in "
                f"1..{MAX_TTL_SECONDS}.",
                "Use a number of seconds, e.g. 300.",
                6,
            )
        )
    return errors


@checks.register(checks.Tags.security, deploy=True)
def check_header_mode_in_production(app_configs=None, **kwargs):
    """credentials.W001 (``check --deploy``): the header mode trusts any caller."""
    if get_setting("MODE") == "none" and not settings.DEBUG:
        return [
            checks.Warning(
                f"{setting_name('MODE')} is 'none' with DEBUG off: the X-Tenant-Id header is "
                "trusted, so any caller can read and write any tenant.",
                hint="Set CONTROLPLANE_AUTH_MODE=api_key (or jwt) in production; the header "
                "mode is for development.",
                id="credentials.W001",
            )
        ]
    return []
