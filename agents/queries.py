"""Pydantic models of the agent endpoints that agent-control-models does not provide: the query
strings (validated with ``controlplane.api.validation.validate_query``, so errors carry
``query.<name>`` fields as the reference's) and the evaluator responses (OpenAPI documentation).
"""

from typing import Annotated, Any, Literal

import pydantic
from agent_control_models.server import PaginationInfo

DEFAULT_LIMIT = 20

TargetPart = Annotated[str, pydantic.StringConstraints(min_length=1, max_length=255)]


class ListAgentsQuery(pydantic.BaseModel):
    """Query of ``GET /agents`` (``limit`` is clamped, not rejected)."""

    cursor: str | None = None
    limit: int = DEFAULT_LIMIT
    name: str | None = None


class AgentControlsQuery(pydantic.BaseModel):
    """Query of ``GET /agents/{name}/controls``."""

    rendered_state: Literal["rendered", "unrendered", "all"] = "all"
    enabled_state: Literal["enabled", "disabled", "all"] = "all"
    target_type: TargetPart | None = None
    target_id: TargetPart | None = None


class PageQuery(pydantic.BaseModel):
    """Query of ``GET /agents/{name}/evaluators``."""

    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


class EvaluatorSchemaItem(pydantic.BaseModel):
    """An agent-scoped evaluator as the evaluator endpoints return it."""

    name: str
    description: str | None
    config_schema: dict[str, Any]


class ListEvaluatorsResponse(pydantic.BaseModel):
    """``GET /agents/{name}/evaluators``."""

    evaluators: list[EvaluatorSchemaItem]
    pagination: PaginationInfo
