"""Effective controls: the controls that apply to an owner (an agent), and the bodies built from
them.

An owner's effective controls are the non-deleted controls linked to it directly and those of its
policies and, when the request carries a target, those bound to the target through enabled
bindings; de-duplicated, newest (highest id) first (the reference's "merged target contract").
``policies`` does not know who the owners are: the caller passes the two link subqueries
(``agents`` passes its ``AgentControl`` and ``AgentPolicy`` rows), so the query itself is written
once, here.
"""

import json

from django.db.models import Q, QuerySet

from ..models import Control, ControlBinding, PolicyControl
from ..targets import Target
from .parsing import ParsedControl

type ParsedRow = tuple[int, str, ParsedControl]


def effective_controls(
    *, direct_control_ids: QuerySet, policy_ids: QuerySet, target: Target | None = None
) -> QuerySet[Control]:
    """Non-deleted controls whose id is in ``direct_control_ids`` (a ``.values("control_id")``
    subquery), linked to a policy in ``policy_ids`` (a ``.values("policy_id")`` subquery), or
    bound to ``target`` through an enabled binding; ordered by id descending. Unevaluated, so
    callers may compile it (``tenancy.compiled``; the target strings are exact lookups)."""
    via_policies = PolicyControl.objects.filter(policy_id__in=policy_ids).values("control_id")
    linked = Q(id__in=direct_control_ids) | Q(id__in=via_policies)
    if target is not None:
        bound = ControlBinding.objects.filter(
            target_type=target.target_type, target_id=target.target_id, enabled=True
        ).values("control_id")
        linked |= Q(id__in=bound)
    return Control.objects.filter(linked, deleted_at__isnull=True).order_by("-id")


def matches_state(parsed: ParsedControl, rendered_state: str, enabled_state: str) -> bool:
    """The ``rendered_state`` / ``enabled_state`` filters (``rendered|unrendered|all``,
    ``enabled|disabled|all``) of ``GET /agents/{name}/controls``; they intersect."""
    if rendered_state != "all" and parsed.rendered != (rendered_state == "rendered"):
        return False
    return enabled_state == "all" or parsed.enabled == (enabled_state == "enabled")


def is_active(parsed: ParsedControl) -> bool:
    """Rendered and enabled: the controls initAgent returns and the engine runs."""
    return parsed.rendered and parsed.enabled


def controls_body(rows: list[ParsedRow]) -> bytes:
    """``{"controls": [{"id", "name", "control"}]}`` as compact JSON bytes from the cached parts
    (``null`` fields omitted, as ``GET /agents/{name}/controls`` answers)."""
    items = ",".join(
        f'{{"id":{control_id},"name":{json.dumps(name, ensure_ascii=False)},'
        f'"control":{parsed.compact}}}'
        for control_id, name, parsed in rows
    )
    return f'{{"controls":[{items}]}}'.encode()


def control_dicts(rows: list[ParsedRow]) -> list[dict]:
    """``[{"id", "name", "control"}]`` with ``None`` fields kept (initAgent's ``controls``)."""
    return [
        {"id": control_id, "name": name, "control": parsed.full}
        for control_id, name, parsed in rows
    ]
