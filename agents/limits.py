"""The request models of ``POST /agents/initAgent`` with this server's documented limits.

The library's ``InitAgentRequest`` puts no bound on what an agent registers: a 10,000-character
step name, 20,000 steps (the agent's GET was then 6.8 MB) or a 5 MB ``agent_metadata`` were
stored. These subclasses keep every field and error of the library's models and add:

- a step ``name`` (and ``type``) of at most ``STEP_NAME_MAX_LENGTH`` characters
  (``string_too_long`` at ``steps[i].name``);
- at most ``MAX_STEPS`` steps (``too_long`` at ``steps``);
- an ``agent_metadata`` of at most ``AGENT_METADATA_MAX_BYTES`` bytes as compact UTF-8 JSON
  (``value_error`` at ``agent.agent_metadata``);
- an ``agent_name`` that must be a JSON string matching ``AGENT_NAME_INPUT_PATTERN`` (the library
  turns any value into a string first).

They carry the library's class names, so the OpenAPI components keep the reference's names, and
the limits appear there as ``maxLength`` / ``maxItems`` / descriptions (README, "Limits").
"""

import json
from typing import Any

from agent_control_models import Agent as LibraryAgent
from agent_control_models import StepSchema as LibraryStepSchema
from agent_control_models.server import InitAgentRequest as LibraryInitAgentRequest
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from .names import AGENT_NAME_INPUT_PATTERN, AGENT_NAME_MAX_LENGTH, normalize_name

STEP_NAME_MAX_LENGTH = 255
MAX_STEPS = 1000
AGENT_METADATA_MAX_BYTES = 64 * 1024


def json_size(value: Any) -> int:
    """Bytes of ``value`` as compact UTF-8 JSON."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return len(text.encode("utf-8", "surrogatepass"))


class Agent(LibraryAgent):
    """The library's ``Agent`` with a strictly typed name and a bounded ``agent_metadata``."""

    agent_name: str = Field(
        ...,
        min_length=10,
        max_length=AGENT_NAME_MAX_LENGTH,
        pattern=AGENT_NAME_INPUT_PATTERN,
        description=(
            "Unique immutable identifier for the agent: 10-255 characters from letters, digits, "
            "':', '_' and '-' (stored trimmed and lower-cased)"
        ),
    )
    agent_metadata: dict[str, Any] | None = Field(
        None,
        description=(
            "Free-form metadata dictionary for custom properties, at most "
            f"{AGENT_METADATA_MAX_BYTES} bytes as compact JSON"
        ),
    )

    @field_validator("agent_name", mode="before")
    @classmethod
    def validate_and_normalize_agent_name(cls, value: Any) -> str:
        if not isinstance(value, str):
            raise PydanticCustomError("string_type", "Input should be a valid string")
        return normalize_name(value)

    @field_validator("agent_metadata")
    @classmethod
    def metadata_is_bounded(cls, value: dict | None) -> dict | None:
        if value is not None and (size := json_size(value)) > AGENT_METADATA_MAX_BYTES:
            raise ValueError(
                f"agent_metadata must be at most {AGENT_METADATA_MAX_BYTES} bytes as JSON "
                f"(got {size})"
            )
        return value


class StepSchema(LibraryStepSchema):
    """The library's ``StepSchema`` with bounded ``type`` and ``name``."""

    type: str = Field(
        ...,
        min_length=1,
        max_length=STEP_NAME_MAX_LENGTH,
        description="Step type for this schema (e.g., 'tool', 'llm')",
    )
    name: str = Field(
        ...,
        min_length=1,
        max_length=STEP_NAME_MAX_LENGTH,
        description=f"Unique name for the step, at most {STEP_NAME_MAX_LENGTH} characters",
    )


class InitAgentRequest(LibraryInitAgentRequest):
    """The library's ``InitAgentRequest`` with the limits of this module."""

    agent: Agent = Field(..., description="Agent metadata including ID, name, and version")
    steps: list[StepSchema] = Field(
        default_factory=list,
        max_length=MAX_STEPS,
        description=f"List of steps available to the agent (at most {MAX_STEPS})",
    )
