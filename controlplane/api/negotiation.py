"""``JSONOnlyNegotiation``: JSON in and out, the way the reference server (FastAPI) negotiates.

- Responses are always JSON, whatever ``Accept`` says (DRF would answer 406 to
  ``Accept: text/html``, even on a missing id, hiding the 404).
- A body with no ``Content-Type``, or with an ``application/*+json`` type
  (``application/merge-patch+json``), is read as JSON, as FastAPI does; any other type is a 415.
- ``refuse_non_json_write``: an unsafe method that declares a non-JSON type is a 415 even on a
  route that reads no body (browsers' cross-site form posts).
- ``SchemaNegotiation``: the OpenAPI document in YAML or JSON.
"""

from rest_framework.exceptions import UnsupportedMediaType
from rest_framework.negotiation import DefaultContentNegotiation

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Headers every current browser adds to a cross-site request; the SDK (httpx) sends none.
BROWSER_HEADERS = ("Origin", "Sec-Fetch-Site", "Sec-Fetch-Mode")


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


def refuse_non_json_write(request) -> None:
    """Raise ``UnsupportedMediaType`` (415) when an unsafe method (POST, PUT, PATCH, DELETE)
    declares a ``Content-Type`` that is not JSON, whether or not the route reads a body.

    An HTML form on another site can POST ``application/x-www-form-urlencoded``,
    ``multipart/form-data`` or ``text/plain`` without a CORS preflight; refusing them on every
    write (``POST /agents/{name}/policy/{id}`` reads no body) closes that door in every auth mode.
    A request without ``Content-Type`` passes: the SDK sends none on its body-less POSTs. Django's
    development servers (``wsgiref``: ``runserver``, the test ``live_server``) report a missing
    ``Content-Type`` as a bare ``text/plain``; that value with an empty body and none of the
    ``BROWSER_HEADERS`` is read as missing.
    """
    if request.method in SAFE_METHODS:
        return
    raw = request.META.get("CONTENT_TYPE", "")
    content_type = raw.split(";")[0].strip().lower()
    if not content_type or _is_json(content_type):
        return
    empty = request.META.get("CONTENT_LENGTH") in (None, "", "0")
    if raw == "text/plain" and empty and not any(h in request.headers for h in BROWSER_HEADERS):
        return
    raise UnsupportedMediaType(content_type)


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, with the two reference behaviours above."""

    def select_parser(self, request, parsers):
        content_type = (request.content_type or "").split(";")[0].strip().lower()
        if not content_type or (
            content_type.startswith("application/") and content_type.endswith("+json")
        ):
            return parsers[0]
        return super().select_parser(request, parsers)

    def select_renderer(self, request, renderers, format_suffix=None):
        # Runs first in every DRF request (APIView.initial), before authentication.
        refuse_non_json_write(request)
        return renderers[0], renderers[0].media_type


class SchemaNegotiation(DefaultContentNegotiation):
    """The OpenAPI document's negotiation (``/api/schema/``): YAML by default, JSON with
    ``?format=json`` or ``Accept: application/vnd.oai.openapi+json`` (drf-spectacular's renderers;
    the API's own ``URL_FORMAT_OVERRIDE`` is off)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        chosen = format_suffix or request.query_params.get("format")
        return super().select_renderer(request, renderers, chosen)
