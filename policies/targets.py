"""Targets: the opaque ``(target_type, target_id)`` pairs that control bindings attach to.

A target exists only as the key of its bindings (there is no targets table). A request that
carries a target (in its body or query today; in the runtime token of the auth work later) gets the
controls bound to it, through enabled bindings, on top of the agent's own. The two strings are
compared exactly: case and surrounding spaces are significant.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Target:
    """One target; build it with ``target_of`` from a request's optional pair."""

    target_type: str
    target_id: str


def target_of(target_type: str | None, target_id: str | None) -> Target | None:
    """The ``Target`` of a validated pair, ``None`` when the request carries none. The caller has
    already refused a half pair (the reference's "supplied together" rule)."""
    if target_type is None or target_id is None:
        return None
    return Target(target_type, target_id)
