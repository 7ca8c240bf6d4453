"""Control history: the append-only ``ControlVersion`` rows and the two version endpoints.

Every create, update and delete appends one row whose ``snapshot`` is the reference's
``{name, data, deleted_at, cloned_from_control_id, cloned_control_id}`` (the last is the
reference's legacy alias of the clone source). Version numbers count from 1 per control; writers
hold the control's row lock (``get_control(..., for_update=True)``) while appending.
"""

import pydantic
from django.db.models import Max

from controlplane.api.errors import APIError
from controlplane.api.pagination import page
from policies.models import Control, ControlVersion
from policies.selectors import control_not_found


class ListVersionsQuery(pydantic.BaseModel):
    """Query of ``GET /controls/{id}/versions``: ``cursor`` (a version number; results are
    older), ``limit`` 1..100 (default 20, out of range is a 422 as in the reference)."""

    cursor: int | None = None
    limit: int = pydantic.Field(20, ge=1, le=100)


def snapshot(control: Control) -> dict:
    """The persisted state of ``control`` as stored in its version history."""
    deleted_at = control.deleted_at.isoformat() if control.deleted_at is not None else None
    return {
        "name": control.name,
        "data": control.data,
        "deleted_at": deleted_at,
        "cloned_from_control_id": control.cloned_from_id,
        "cloned_control_id": control.cloned_from_id,
    }


def append_version(control: Control, *, event: str, note: str, new: bool = False) -> ControlVersion:
    """Append the next version of ``control`` (``new=True``: version 1 of a just-created control,
    without a query for the current maximum)."""
    if new:
        number = 1
    else:
        latest = ControlVersion.objects.filter(control_id=control.pk).aggregate(
            n=Max("version_num")
        )
        number = (latest["n"] or 0) + 1
    return ControlVersion.objects.create(
        control=control, version_num=number, event_type=event, note=note, snapshot=snapshot(control)
    )


def _require_control(control_id: int) -> None:
    """404 ``CONTROL_NOT_FOUND`` unless the caller's tenant has the control (deleted or not)."""
    if not Control.objects.filter(pk=control_id).exists():
        raise control_not_found(control_id)


def _summary(version: ControlVersion) -> dict:
    return {
        "version_num": version.version_num,
        "event_type": version.event_type,
        "note": version.note,
        "created_at": version.created_at.isoformat(),
    }


def list_versions(control_id: int, query: ListVersionsQuery) -> dict:
    """``GET /controls/{id}/versions``: ``{"versions": [{version_num, event_type, note,
    created_at}], "pagination"}``, newest first; works for soft-deleted controls. Three queries.
    Raises 404 ``CONTROL_NOT_FOUND``."""
    _require_control(control_id)
    versions = ControlVersion.objects.filter(control_id=control_id)
    total = versions.count()
    if query.cursor is not None:
        versions = versions.filter(version_num__lt=query.cursor)
    rows = list(versions.order_by("-version_num")[: query.limit + 1])
    items, pagination = page(rows, query.limit, total, lambda version: version.version_num)
    return {"versions": [_summary(version) for version in items], "pagination": pagination}


def get_version(control_id: int, version_num: int) -> dict:
    """``GET /controls/{id}/versions/{n}``: the summary plus ``snapshot``. Raises 404
    ``CONTROL_NOT_FOUND`` (no such control in this tenant) or ``CONTROL_VERSION_NOT_FOUND``."""
    _require_control(control_id)
    version = ControlVersion.objects.filter(control_id=control_id, version_num=version_num).first()
    if version is None:
        raise APIError(
            404,
            "CONTROL_VERSION_NOT_FOUND",
            f"Version '{version_num}' for control with ID '{control_id}' not found",
            kind="ControlVersion",
            name=f"{control_id}:{version_num}",
            hint="Verify the control ID and version number are correct.",
        )
    return {**_summary(version), "snapshot": version.snapshot}
