"""Agent names in paths and bodies, and the page size of the agent routes.

Agent names in paths are normalised by ``agents.names.agent_name_from_path`` (``AGENT_NAME``
documents it as a path parameter);
``clamp_limit`` clamps a page size to 1..100 (the agent routes clamp where the control routes
refuse).
"""

from controlplane.api.openapi import path_string

from ..names import AGENT_NAME_INPUT_PATTERN

MAX_LIMIT = 100

#: The ``{agent_name}`` path parameter as documented: what ``agent_name_from_path`` accepts.
AGENT_NAME = path_string(
    "agent_name",
    {"pattern": AGENT_NAME_INPUT_PATTERN},
    "The agent's name: 10-255 letters, digits, ':', '_' or '-' (case-insensitive; surrounding "
    "spaces are trimmed).",
)


def clamp_limit(limit: int) -> int:
    """``limit`` clamped to 1..``MAX_LIMIT``."""
    return min(max(1, limit), MAX_LIMIT)
