"""A validated request definition -> the JSON stored in ``Control.data``.

Request input (``data`` of create, set-data and validate) is validated by the library's request
models (``CreateControlRequest`` and friends), so field paths, codes and messages are the
reference's. The stored shape is the reference's too: ``exclude_none`` + ``exclude_unset``, by
alias (``and``/``or``/``not``), with ``enabled`` always written.
"""

from agent_control_models import ControlDefinition


def stored_json(definition: ControlDefinition) -> dict:
    """The JSON stored in ``Control.data`` for a validated ``definition``."""
    data = definition.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_unset=True)
    data.setdefault("enabled", definition.enabled)
    return data
