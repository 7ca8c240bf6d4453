"""The query-string models of the agent endpoints, in one place.

Validated with ``controlplane.api.validation.validate_query``, so errors carry ``query.<name>``
fields as the reference's. ``limit`` is clamped to 1..100 on these routes, not rejected.
"""

from typing import Annotated, Literal

import pydantic

from .names import AGENT_NAME_INPUT_PATTERN

DEFAULT_LIMIT = 20

TargetPart = Annotated[str, pydantic.StringConstraints(min_length=1, max_length=255)]


class ListAgentsQuery(pydantic.BaseModel):
    """``GET /agents``; ``cursor`` is an agent name (checked by the view, documented here)."""

    cursor: str | None = pydantic.Field(
        None, json_schema_extra={"pattern": f"^$|{AGENT_NAME_INPUT_PATTERN}"}
    )
    limit: int = DEFAULT_LIMIT
    name: str | None = None


class AgentControlsQuery(pydantic.BaseModel):
    """``GET /agents/{name}/controls``."""

    rendered_state: Literal["rendered", "unrendered", "all"] = "all"
    enabled_state: Literal["enabled", "disabled", "all"] = "all"
    target_type: TargetPart | None = None
    target_id: TargetPart | None = None


class PageQuery(pydantic.BaseModel):
    """``GET /agents/{name}/evaluators``."""

    cursor: str | None = None
    limit: int = DEFAULT_LIMIT
