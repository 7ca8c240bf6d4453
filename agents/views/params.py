"""Agent names in paths and bodies, and the page size of the agent routes.

``agent_name_from_path`` normalises like the reference's ``normalize_agent_name_or_422``
(``AGENT_NAME`` documents it as a path parameter);
``clamp_limit`` clamps a page size to 1..100 (the agent routes clamp where the control routes
refuse).
"""

from controlplane.api.exceptions import APIError, ErrorCode, error_item
from controlplane.api.openapi import path_string

from ..names import AGENT_NAME_INPUT_PATTERN, normalize_name

AGENT_NAME_HINT = (
    "Agent names must be at least 10 characters and may only contain letters, digits, ':', "
    "'_' or '-'."
)
MAX_LIMIT = 100

#: The ``{agent_name}`` path parameter as documented: what ``agent_name_from_path`` accepts.
AGENT_NAME = path_string(
    "agent_name",
    {"pattern": AGENT_NAME_INPUT_PATTERN},
    "The agent's name: 10-255 letters, digits, ':', '_' or '-' (case-insensitive; surrounding "
    "spaces are trimmed).",
)


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


def clamp_limit(limit: int) -> int:
    """``limit`` clamped to 1..``MAX_LIMIT``."""
    return min(max(1, limit), MAX_LIMIT)
