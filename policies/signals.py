"""Signals through which the apps above ``policies`` answer what it cannot know itself.

``policies`` sits below the apps that use controls: ``agents`` links controls to agents (directly
and through policies) and lets a control's condition name an agent-scoped evaluator
(``"<agent>:<evaluator>"``). Rather than import those apps, the control services send these
signals; each receiver answers for its own app, in the sender's transaction and tenant.

- ``control_validating`` (``definition``: a validated ``ControlDefinition``), sent by create,
  set-data and validate: a receiver raises ``APIError`` to refuse the definition.
- ``control_users`` (``control_ids``: ``list[int]``): each receiver returns a list of
  ``ControlUser``: who uses which control (``GET /controls`` summaries, ``DELETE /controls``).
- ``control_detaching`` (``control_id``: ``int``), sent inside a forced delete: each receiver
  removes its own links to the control.

``ask`` sends a signal and concatenates the receivers' answers.
"""

from dataclasses import dataclass

from django.dispatch import Signal

from .models import Control

control_validating = Signal()
control_users = Signal()
control_detaching = Signal()


@dataclass(frozen=True, slots=True)
class ControlUser:
    """Agent ``agent_name`` uses control ``control_id``, directly (``direct=True``) or through one
    of its policies."""

    control_id: int
    agent_name: str
    direct: bool


def ask(signal: Signal, **kwargs) -> list:
    """``signal.send(sender=Control, **kwargs)``; every receiver's returned list, concatenated
    (``None`` answers count as empty). Receivers' exceptions propagate."""
    answers = []
    for _receiver, answer in signal.send(sender=Control, **kwargs):
        answers.extend(answer or ())
    return answers
