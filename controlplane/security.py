"""The secret key guard: never serve with the public development key when DEBUG is off.

``settings.SECRET_KEY`` falls back to ``DEVELOPMENT_SECRET_KEY`` when ``DJANGO_SECRET_KEY`` is
unset, so a development checkout needs no set-up. Outside DEBUG that key would sign sessions and
CSRF tokens with a value anyone can read in this repository, so:

- ``check_secret_key`` is a system check (``controlplane.E001``): ``manage.py check``,
  ``migrate`` and ``runserver`` stop on it;
- ``refuse_development_key`` raises ``ImproperlyConfigured`` with the same message; the WSGI and
  ASGI entry points call it, so gunicorn and uvicorn refuse to boot.

``./dev`` exports a generated key (the git-ignored ``.secret_key``) so local commands pass.
"""

from django.conf import settings
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_SECRET_KEY = "django-insecure-controlplane-development-key-change-me"

MESSAGE = (
    "DJANGO_SECRET_KEY is not set and DEBUG is off: refusing to run with the public development "
    "secret key."
)
HINT = (
    'Export DJANGO_SECRET_KEY (a long random string, e.g. from `python -c "import secrets; '
    'print(secrets.token_urlsafe(50))"`), or set DJANGO_DEBUG=1 for local development. '
    "./dev exports a generated local key on its own."
)


def uses_development_key() -> bool:
    """True when DEBUG is off and ``SECRET_KEY`` is the public development key."""
    return not settings.DEBUG and settings.SECRET_KEY == DEVELOPMENT_SECRET_KEY


def check_secret_key(app_configs=None, **kwargs) -> list[Error]:
    """System check ``controlplane.E001`` (see the module docstring)."""
    if uses_development_key():
        return [Error(MESSAGE, hint=HINT, id="controlplane.E001")]
    return []


def refuse_development_key() -> None:
    """Raise ``ImproperlyConfigured`` naming ``DJANGO_SECRET_KEY`` (see the module docstring)."""
    if uses_development_key():
        raise ImproperlyConfigured(f"{MESSAGE} {HINT}")
