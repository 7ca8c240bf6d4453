"""Response models of the agent evaluator routes that agent-control-models does not provide (used
to document the OpenAPI schema)."""

from typing import Any

import pydantic
from agent_control_models.server import PaginationInfo


class EvaluatorSchemaItem(pydantic.BaseModel):
    """An agent-scoped evaluator as the evaluator endpoints return it."""

    name: str
    description: str | None
    config_schema: dict[str, Any]


class ListEvaluatorsResponse(pydantic.BaseModel):
    """``GET /agents/{name}/evaluators``."""

    evaluators: list[EvaluatorSchemaItem]
    pagination: PaginationInfo
