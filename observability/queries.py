"""The query-string model of the statistics endpoints (``GET /observability/stats[/controls/{id}]``).

Validated with ``controlplane.api.validation.validate_query`` (``query.<name>`` fields, pydantic's
codes, as the reference's FastAPI answers); ``agent_name`` is then normalised and checked like
every agent name (``agents.names.agent_name_from_path``).
"""

from typing import Literal

import pydantic

from agents.names import AGENT_NAME_INPUT_PATTERN

type TimeRange = Literal["1m", "5m", "15m", "1h", "24h", "7d", "30d", "180d", "365d"]


class StatsQuery(pydantic.BaseModel):
    """``agent_name`` (required), ``time_range`` (default ``5m``), ``include_timeseries``
    (default ``false``; ``true/false/1/0/yes/no/on/off``)."""

    # The pattern documents what ``agent_name_from_path`` accepts; it is checked there.
    agent_name: str = pydantic.Field(json_schema_extra={"pattern": AGENT_NAME_INPUT_PATTERN})
    time_range: TimeRange = "5m"
    include_timeseries: bool = False
