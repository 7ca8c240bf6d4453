"""OpenAPI documentation helpers shared by the apps' views (drf-spectacular ``extend_schema``).

Path and query parameters arrive as strings and are validated in the views (so a bad value is the
reference's 422, not a routing 404); these helpers document their real types.
"""

import pydantic
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from pydantic_core import PydanticUndefined

_TYPES = {int: OpenApiTypes.INT, bool: OpenApiTypes.BOOL, str: OpenApiTypes.STR}


def path_int(name: str) -> OpenApiParameter:
    """An integer path parameter (``control_id``, ``policy_id``, ``version_num``)."""
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH)


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


def documented(operation_id: str, responses, *, request=None, parameters=(), **extra):
    """``extend_schema`` for one operation: the reference's ``operation_id``, the response model
    (or ``{status: model}``), the request model (``None``: no body) and extra ``parameters``.
    Tags are set once per viewset with ``extend_schema(tags=[...])`` on the class."""
    return extend_schema(
        operation_id=operation_id,
        request=request,
        responses=responses,
        parameters=list(parameters) or None,
        **extra,
    )
