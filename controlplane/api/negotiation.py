"""``JSONOnlyNegotiation``: every API response is JSON, whatever ``Accept`` says.

The reference server ignores ``Accept``; DRF's default negotiation would answer 406 to
``Accept: text/html`` (even on a missing id, hiding the 404). Parser selection is DRF's.
"""

from rest_framework.negotiation import DefaultContentNegotiation


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, except that the renderer is always the first (only: JSON) one."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
