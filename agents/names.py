"""Agent names, normalised and validated like the agent-control libraries.

``agent_control_models.agent.normalize_agent_name`` trims and lower-cases, then requires at least 10
characters from ``[a-z0-9:_-]``; we also cap the length at 255 (the column size), which the reference
leaves to the database (a 500 there, a 422 here), and accept as input exactly what
``AGENT_NAME_INPUT_PATTERN`` (documented in the OpenAPI) says: letters of either case, digits,
``:``, ``_`` and ``-``, with spaces or tabs around (Python's ``lower()`` would also turn a few
non-ASCII letters such as the Kelvin sign into ASCII; those are refused). ``agent_name_from_path``
is the API's form: the reference's ``normalize_agent_name_or_422`` (agent routes' paths, the stats
routes' query).
"""

import re

from agent_control_models.agent import normalize_agent_name
from django.core.exceptions import ValidationError

from controlplane.api.exceptions import APIError, ErrorCode, error_item

AGENT_NAME_MAX_LENGTH = 255
AGENT_NAME_INPUT_PATTERN = rf"^[ \t]*[A-Za-z0-9:_-]{{10,{AGENT_NAME_MAX_LENGTH}}}[ \t]*$"
_INPUT = re.compile(AGENT_NAME_INPUT_PATTERN)
INVALID_CHARACTERS = "agent_name may only contain lowercase letters, digits, ':', '_' or '-'"


def normalize_name(value: str) -> str:
    """Trim + lower-case + validate; raises ``ValueError`` with the reference's messages."""
    normalized = normalize_agent_name(str(value))
    if len(normalized) > AGENT_NAME_MAX_LENGTH:
        raise ValueError(f"agent_name must be at most {AGENT_NAME_MAX_LENGTH} characters long")
    if not _INPUT.fullmatch(str(value)):
        raise ValueError(INVALID_CHARACTERS)
    return normalized


def validate_agent_name(value: str) -> None:
    """Model-field validator: ``value`` must already be a normalised agent name."""
    try:
        normalized = normalize_name(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_agent_name") from exc
    if normalized != value:
        raise ValidationError(
            "agent_name must be trimmed and lower-case (try %(normalized)r).",
            code="invalid_agent_name",
            params={"normalized": normalized},
        )


AGENT_NAME_HINT = (
    "Agent names must be at least 10 characters and may only contain letters, digits, ':', "
    "'_' or '-'."
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
