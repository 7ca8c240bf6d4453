"""``JSONOnlyNegotiation``: JSON in and out, the way the reference server (FastAPI) negotiates.

- Responses are always JSON, whatever ``Accept`` says (DRF would answer 406 to
  ``Accept: text/html``, even on a missing id, hiding the 404).
- A body with no ``Content-Type``, or with an ``application/*+json`` type
  (``application/merge-patch+json``), is read as JSON, as FastAPI does; any other type is a 415.
"""

from rest_framework.negotiation import DefaultContentNegotiation


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
        return renderers[0], renderers[0].media_type
