"""Reads of control bindings: one binding, the browse query, and the bindings of some controls.

Mirrors the reference server 8.15's ``GET /control-bindings[/{binding_id}]``: every read goes
through the scoped manager, so another tenant's binding is exactly a missing one (404
``CONTROL_BINDING_NOT_FOUND``). The tenant is exposed as ``namespace_key``, the reference's name
for it.
"""

from datetime import UTC, datetime

from controlplane.api.exceptions import APIError, ErrorCode
from controlplane.api.pagination import page

from ..models import ControlBinding
from ..queries import ListBindingsQuery


def utc_text(moment: datetime) -> str:
    """``2026-12-01T22:21:56.356304Z``: a timestamp as the reference's responses write it."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def binding_body(binding: ControlBinding) -> dict:
    """A ``GetControlBindingResponse``."""
    return {
        "id": binding.pk,
        "namespace_key": binding.tenant_id,
        "target_type": binding.target_type,
        "target_id": binding.target_id,
        "control_id": binding.control_id,
        "enabled": binding.enabled,
        "created_at": utc_text(binding.created_at),
        "updated_at": utc_text(binding.updated_at),
    }


def binding_not_found(binding_id: int) -> APIError:
    """404 ``CONTROL_BINDING_NOT_FOUND`` for a binding id."""
    return APIError(
        404,
        ErrorCode.CONTROL_BINDING_NOT_FOUND,
        f"Control binding with ID '{binding_id}' not found",
        kind="ControlBinding",
        name=str(binding_id),
        hint="Verify the binding ID and that it belongs to this namespace.",
    )


def binding_get(binding_id: int, *, for_update: bool = False) -> ControlBinding:
    """The caller's tenant's binding ``binding_id``; raises 404 ``CONTROL_BINDING_NOT_FOUND``.
    ``for_update=True`` locks the row (inside ``transaction.atomic()``)."""
    bindings = ControlBinding.objects.all()
    if for_update:
        bindings = bindings.select_for_update()
    try:
        return bindings.get(pk=binding_id)
    except ControlBinding.DoesNotExist:
        raise binding_not_found(binding_id) from None


def _cursor(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise APIError(
            400,
            ErrorCode.VALIDATION_ERROR,
            "cursor must be a value returned by next_cursor.",
            hint="Pass the cursor returned in the previous response unchanged.",
            details=False,
        ) from None


def binding_list(*, query: ListBindingsQuery) -> dict:
    """``{"bindings": [GetControlBindingResponse], "pagination"}``: the caller's bindings matching
    the filters (exact, each optional), id descending; ``cursor`` is an id (results are older).
    Two queries. Raises 400 ``VALIDATION_ERROR`` for a cursor that is not an integer."""
    cursor = _cursor(query.cursor)
    matching = ControlBinding.objects.all()
    if query.target_type is not None:
        matching = matching.filter(target_type=query.target_type)
    if query.target_id is not None:
        matching = matching.filter(target_id=query.target_id)
    if query.control_id is not None:
        matching = matching.filter(control__pk=query.control_id)
    rows = matching.order_by("-id")
    if cursor is not None:
        rows = rows.filter(pk__lt=cursor)
    rows = list(rows[: query.limit + 1])
    items, pagination = page(rows, query.limit, matching.count(), lambda binding: binding.pk)
    return {"bindings": [binding_body(binding) for binding in items], "pagination": pagination}
