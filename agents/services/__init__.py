"""Write services of the agents app (HackSoft style: keyword-only arguments, one transaction per
multi-row change; views only translate HTTP).

- ``agent_register`` (``registration``): initAgent.
- ``agent_patch`` (``editing``): remove steps/evaluators.
- ``associations``: agent <-> policy and agent <-> control links; ``compatibility``: the
  agent-scoped evaluator check run before a link is written.
"""

from .editing import agent_patch
from .registration import Registration, agent_register

__all__ = ["Registration", "agent_patch", "agent_register"]
