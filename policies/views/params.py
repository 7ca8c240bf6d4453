"""Request-parameter helpers for the control views.

- ``gather`` runs path, query and body validation steps and reports all their 422 items together,
  as FastAPI does in the reference (``path.control_id`` first, then query, then body fields).
- ``query_parameters`` documents a pydantic query model as OpenAPI parameters for
  ``extend_schema``; ``CONTROL_ID`` / ``VERSION_NUM`` document integer path parameters.
"""

from collections.abc import Callable
from typing import Any

import pydantic
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from pydantic_core import PydanticUndefined

from controlplane.api.errors import APIError, validation_error

CONTROL_ID = OpenApiParameter("control_id", OpenApiTypes.INT, OpenApiParameter.PATH)
VERSION_NUM = OpenApiParameter("version_num", OpenApiTypes.INT, OpenApiParameter.PATH)

_TYPES = {int: OpenApiTypes.INT, bool: OpenApiTypes.BOOL, str: OpenApiTypes.STR}


def gather(*steps: Callable[[], Any]) -> list[Any]:
    """Run each validation step; return their results in order.

    A step that fails with a 422 ``VALIDATION_ERROR`` does not stop the others. If exactly one
    step failed its error is raised unchanged (keeping its own ``detail``); if several failed,
    one 422 carries all their ``errors[]`` items. Other errors propagate at once.
    """
    results, failures = [], []
    for step in steps:
        try:
            results.append(step())
        except APIError as exc:
            if exc.status_code != 422 or exc.error_code != "VALIDATION_ERROR" or not exc.errors:
                raise
            failures.append(exc)
            results.append(None)
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise validation_error([item for exc in failures for item in exc.errors])
    return results


def query_parameters(model: type[pydantic.BaseModel]) -> list[OpenApiParameter]:
    """One ``OpenApiParameter`` per field of a pydantic query model (type, default, required)."""
    parameters = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        kinds = [arg for arg in getattr(annotation, "__args__", (annotation,)) if arg is not None]
        parameters.append(
            OpenApiParameter(
                name,
                _TYPES.get(kinds[0] if kinds else str, OpenApiTypes.STR),
                OpenApiParameter.QUERY,
                required=field.is_required(),
                default=None if field.default is PydanticUndefined else field.default,
            )
        )
    return parameters
