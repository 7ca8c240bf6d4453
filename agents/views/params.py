"""Agent names in paths and bodies, and the page size of the agent routes.

Agent names in paths are normalised by ``agents.names.agent_name_from_path``;
``check_name_length`` refuses a name longer than the column (a 500 in the reference, a 422 here);
``clamp_limit`` clamps a page size to 1..100 (the agent routes clamp where the control routes
refuse).
"""

from typing import Any

from controlplane.api.exceptions import error_item, validation_error

from ..names import AGENT_NAME_MAX_LENGTH


def check_name_length(raw: Any, name: str) -> None:
    """422 ``VALIDATION_ERROR`` at ``agent.agent_name`` when ``name`` is longer than the column."""
    if len(name) > AGENT_NAME_MAX_LENGTH:
        message = f"agent_name must be at most {AGENT_NAME_MAX_LENGTH} characters long"
        item = error_item(
            "Agent", "agent.agent_name", "value_error", f"Value error, {message}", raw
        )
        raise validation_error([item])


MAX_LIMIT = 100


def clamp_limit(limit: int) -> int:
    """``limit`` clamped to 1..``MAX_LIMIT``."""
    return min(max(1, limit), MAX_LIMIT)
