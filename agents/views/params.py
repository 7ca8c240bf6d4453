"""Agent names in paths and bodies, and the page size of the agent routes.

``agent_name_from_path`` normalises like the reference's ``normalize_agent_name_or_422``;
``check_name_length`` refuses a name longer than the column (a 500 in the reference, a 422 here);
``clamp_limit`` clamps a page size to 1..100 (the agent routes clamp where the control routes
refuse).
"""

from typing import Any

from controlplane.api.exceptions import APIError, ErrorCode, error_item, validation_error

from ..names import AGENT_NAME_MAX_LENGTH, normalize_name

AGENT_NAME_HINT = (
    "Agent names must be at least 10 characters and may only contain letters, digits, ':', "
    "'_' or '-'."
)
MAX_LIMIT = 100


def agent_name_from_path(raw: str, *, field: str = "agent_name") -> str:
    """The normalised agent name of a path (or query) value; 422 ``VALIDATION_ERROR`` with
    ``detail="Invalid agent_name"`` and code ``invalid_format`` at ``field`` otherwise."""
    try:
        return normalize_name(raw)
    except ValueError as exc:
        raise APIError(
            422,
            ErrorCode.VALIDATION_ERROR,
            "Invalid agent_name",
            kind="Agent",
            hint=AGENT_NAME_HINT,
            errors=[error_item("Agent", field, "invalid_format", str(exc), raw)],
        ) from exc


def check_name_length(raw: Any, name: str) -> None:
    """422 ``VALIDATION_ERROR`` at ``agent.agent_name`` when ``name`` is longer than the column."""
    if len(name) > AGENT_NAME_MAX_LENGTH:
        message = f"agent_name must be at most {AGENT_NAME_MAX_LENGTH} characters long"
        item = error_item(
            "Agent", "agent.agent_name", "value_error", f"Value error, {message}", raw
        )
        raise validation_error([item])


def clamp_limit(limit: int) -> int:
    """``limit`` clamped to 1..``MAX_LIMIT``."""
    return min(max(1, limit), MAX_LIMIT)
