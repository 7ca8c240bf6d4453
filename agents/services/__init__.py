"""Write services of the agent endpoints (HackSoft style: keyword-only, one transaction each).

- ``agent_register`` (``registration``): initAgent.
- ``agent_patch`` (``editing``): remove steps/evaluators.
"""

from .editing import agent_patch
from .registration import Registration, agent_register

__all__ = ["Registration", "agent_patch", "agent_register"]
