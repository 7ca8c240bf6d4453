"""The control browse query (``GET /controls``): filters, cursor page, summaries, who uses each.

Mirrors the reference's ``list_controls``: non-deleted controls of the caller's tenant ordered by
id descending; ``cursor`` is an id (results have a smaller id); ``total`` counts every row
matching the filters. Three queries whatever the page size (page, total, and the users answered
through ``policies.signals.control_users``), four with ``include_attachments=true``, five with
the attachment target filters (which also restrict the list, before paging, to the controls bound
to that target).
"""

from collections import defaultdict

from django.db.models import Q, QuerySet

from controlplane.api.exceptions import APIError, ErrorCode, error_item
from controlplane.api.pagination import page

from ..definitions.predicates import enabled_q, is_enabled, template_backed_q
from ..json_lookups import JSONArrayContains
from ..models import Control, ControlBinding, PolicyControl
from ..queries import ListControlsQuery
from ..signals import ask, control_users


def _attachment_filter_error(detail: str, field: str, message: str, hint: str) -> APIError:
    item = error_item("Control", field, "missing_required_parameter", message)
    return APIError(
        422, ErrorCode.VALIDATION_ERROR, detail, kind="Control", hint=hint, errors=[item]
    )


def check_attachment_filters(query: ListControlsQuery) -> None:
    """The reference's rules for the attachment target filters: both or neither, and only with
    ``include_attachments=true``; raises 422 ``VALIDATION_ERROR`` otherwise."""
    target_type, target_id = query.attachment_target_type, query.attachment_target_id
    if query.include_attachments:
        if (target_type is None) != (target_id is None):
            raise _attachment_filter_error(
                "Attachment target filters must be supplied together.",
                "attachment_target_type" if target_type is None else "attachment_target_id",
                "Set attachment_target_type and attachment_target_id together.",
                "Set both attachment_target_type and attachment_target_id, or remove both filters.",
            )
    elif target_type is not None or target_id is not None:
        raise _attachment_filter_error(
            "Attachment target filters require include_attachments=true.",
            "include_attachments",
            "Set include_attachments=true when using attachment_target_type or "
            "attachment_target_id.",
            "Set include_attachments=true or remove attachment target filters.",
        )


def _scope_filter(key: str, value: str) -> Q:
    """``value`` is in ``scope.<key>``, or the control's scope omits that list (all)."""
    return (
        Q(JSONArrayContains("data", ("scope", key), value))
        | ~Q(data__has_key="scope")
        | ~Q(**{"data__scope__has_key": key})
    )


def filtered_controls(query: ListControlsQuery) -> QuerySet:
    """The caller's non-deleted controls matching the query's filters (unordered, no cursor)."""
    rows = Control.objects.filter(deleted_at__isnull=True)
    if query.name is not None:
        rows = rows.filter(name__icontains=query.name)
    if query.enabled is True:
        rows = rows.filter(enabled_q())
    elif query.enabled is False:
        rows = rows.filter(data__enabled=False)
    if query.template_backed is not None:
        template = template_backed_q()
        rows = rows.filter(template if query.template_backed else ~template)
    if query.cloned is not None:
        rows = rows.filter(cloned_from__isnull=not query.cloned)
    if any(v is not None for v in (query.step_type, query.stage, query.execution, query.tag)):
        rows = rows.filter(data__has_key="condition")
    if query.step_type is not None:
        rows = rows.filter(_scope_filter("step_types", query.step_type))
    if query.stage is not None:
        rows = rows.filter(_scope_filter("stages", query.stage))
    if query.execution is not None:
        rows = rows.filter(data__execution=query.execution)
    if query.tag is not None:
        rows = rows.filter(JSONArrayContains("data", ("tags",), query.tag))
    if _target_filtered(query):
        rows = rows.filter(id__in=_target_bindings(query).values("control_id"))
    return rows


# At most this many target bindings are listed per control (``targets_truncated`` says so).
MAX_LISTED_TARGETS = 20


def _target_filtered(query: ListControlsQuery) -> bool:
    return query.include_attachments and query.attachment_target_type is not None


def _target_bindings(query: ListControlsQuery) -> QuerySet:
    """The caller's bindings (enabled or not) to the query's attachment target."""
    return ControlBinding.objects.filter(
        target_type=query.attachment_target_type, target_id=query.attachment_target_id
    )


def _targets_of(query: ListControlsQuery, ids: list[int]) -> dict[int, list[dict]]:
    """``{control id: [TargetAttachmentRef, ...]}``, newest binding first."""
    targets = defaultdict(list)
    if _target_filtered(query) and ids:
        bindings = _target_bindings(query).filter(control_id__in=ids).order_by("-id")
        for binding in bindings.values("id", "control_id", "target_type", "target_id", "enabled"):
            targets[binding["control_id"]].append(
                {
                    "binding_id": binding["id"],
                    "target_type": binding["target_type"],
                    "target_id": binding["target_id"],
                    "enabled": binding["enabled"],
                }
            )
    return targets


def summary(row: dict, agents: set[str], attachments: dict | None) -> dict:
    """A ``ControlSummary`` built from the stored JSON (no parsing, as the reference)."""
    data = row["data"] if isinstance(row["data"], dict) else {}
    scope = data.get("scope") or {}
    action = data.get("action")
    if isinstance(action, dict):
        steering = action.get("steering_context")
        action = {
            "decision": action.get("decision"),
            "steering_context": {"message": steering.get("message")}
            if isinstance(steering, dict)
            else None,
        }
    else:
        action = None
    template = data.get("template")
    return {
        "id": row["id"],
        "name": row["name"],
        "cloned_from_control_id": row["cloned_from_id"],
        "description": data.get("description")
        or (template.get("description") if isinstance(template, dict) else None),
        "enabled": is_enabled(data),
        "execution": data.get("execution"),
        "action": action,
        "step_types": scope.get("step_types"),
        "stages": scope.get("stages"),
        "tags": data.get("tags", []),
        "template_backed": "template" in data,
        "template_rendered": ("condition" in data) if "template" in data else None,
        "used_by_agent": {"agent_name": min(agents)} if agents else None,
        "used_by_agents_count": len(agents),
        "attachments": attachments,
    }


def control_list(*, query: ListControlsQuery) -> dict:
    """``GET /controls`` body: ``{"controls": [ControlSummary], "pagination"}``.

    ``used_by_agent`` is the alphabetically first agent using the control (via a policy or
    directly) and ``used_by_agents_count`` the number of distinct agents (bindings are not
    agents). With ``include_attachments`` each summary carries ``{"agents": direct links,
    "policies", "targets", "targets_total", "targets_truncated"}``; targets are listed only for
    the attachment target filters (the bindings to that target, at most ``MAX_LISTED_TARGETS``).
    """
    check_attachment_filters(query)
    matching = filtered_controls(query)
    rows = matching.order_by("-id")
    if query.cursor is not None:
        rows = rows.filter(id__lt=query.cursor)
    rows = list(rows.values("id", "name", "data", "cloned_from_id")[: query.limit + 1])
    total = matching.count()
    items, pagination = page(rows, query.limit, total, lambda row: row["id"])
    ids = [row["id"] for row in items]

    using = defaultdict(set)
    direct = defaultdict(set)
    policies = defaultdict(set)
    if ids:
        for user in ask(control_users, control_ids=ids):
            using[user.control_id].add(user.agent_name)
            if user.direct:
                direct[user.control_id].add(user.agent_name)
        if query.include_attachments:
            for control_id, policy_id in PolicyControl.objects.filter(
                control_id__in=ids
            ).values_list("control_id", "policy_id"):
                policies[control_id].add(policy_id)

    targets = _targets_of(query, ids)

    def attachments(control_id: int) -> dict | None:
        if not query.include_attachments:
            return None
        bound = targets[control_id]
        return {
            "agents": [{"agent_name": name} for name in sorted(direct[control_id])],
            "policies": [{"policy_id": pid} for pid in sorted(policies[control_id])],
            "targets": bound[:MAX_LISTED_TARGETS],
            "targets_total": len(bound),
            "targets_truncated": len(bound) > MAX_LISTED_TARGETS,
        }

    return {
        "controls": [summary(row, using[row["id"]], attachments(row["id"])) for row in items],
        "pagination": pagination,
    }
