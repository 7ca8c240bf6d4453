"""``APIAutoSchema``: drf-spectacular's ``AutoSchema`` for an API that never answers a bare list.

Every collection route of the reference's API answers an object (``{"agents": [...],
"pagination": {...}}``, a map of evaluators, ...). drf-spectacular guesses that a viewset's ``list``
action returns an array and wraps the documented response in one; here a response is a list only
when its declared model is.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import is_list_serializer


class APIAutoSchema(AutoSchema):
    """``DEFAULT_SCHEMA_CLASS`` of the API (see the module docstring)."""

    def _is_list_view(self, serializer=None) -> bool:
        if serializer is None:
            serializer = self.get_response_serializers()
        if isinstance(serializer, dict) and serializer:
            serializer = serializer[min(serializer, key=str)]
        return is_list_serializer(serializer)
