"""The answer to a request ``TenantMiddleware`` refuses before any view runs.

``TENANCY_FAILURE_VIEW`` names a view ``(request, exception) -> HttpResponse`` by dotted path, as
Django's ``CSRF_FAILURE_VIEW`` does for CSRF failures; projects point it at a view that renders
their API's error format. ``exception`` is an ``InvalidTenantId`` (400) or a
``CredentialsRefused`` (``status_code`` 401 / 403, ``hint``, ``challenge``).

The default, ``failure_view``, answers a malformed tenant id with the URLconf's ``handler400``
(called with the exception) and a refused credential with a small JSON body
``{"detail": ..., "hint": ...}`` carrying ``WWW-Authenticate`` on a 401.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import get_resolver, get_urlconf

from .conf import setting_name
from .exceptions import CredentialsRefused, InvalidTenantId
from .loading import import_dotted, load_cached

DEFAULT_CHALLENGE = "ApiKey"


def failure_view(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The default ``TENANCY_FAILURE_VIEW`` (see the module docstring)."""
    if isinstance(exception, InvalidTenantId) or not isinstance(exception, CredentialsRefused):
        handler = get_resolver(get_urlconf()).resolve_error_handler(400)
        return handler(request, exception=exception)
    body = {"detail": str(exception)}
    if exception.hint:
        body["hint"] = exception.hint
    response = JsonResponse(body, status=exception.status_code)
    if exception.status_code == 401:
        response["WWW-Authenticate"] = exception.challenge or DEFAULT_CHALLENGE
    return response


def import_failure_view(path: object) -> Callable[..., HttpResponse]:
    """The callable at dotted ``path``; ``ImproperlyConfigured`` naming ``TENANCY_FAILURE_VIEW``
    when it is not a string, cannot be imported or is not callable (checks ``tenancy.E011`` to
    ``tenancy.E013``)."""
    view = import_dotted("FAILURE_VIEW", path, "view function")
    if not callable(view) or isinstance(view, type):
        raise ImproperlyConfigured(
            f"{setting_name('FAILURE_VIEW')} = {path!r} is not a view: it must name a function "
            "view(request, exception) -> HttpResponse."
        )
    return view


def get_failure_view() -> Callable[..., HttpResponse]:
    """The view named by ``TENANCY_FAILURE_VIEW`` (cached; see ``import_failure_view``)."""
    return load_cached("FAILURE_VIEW", import_failure_view)
