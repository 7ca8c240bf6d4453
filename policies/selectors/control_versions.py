"""Reads of a control's history: ``GET /controls/{id}/versions`` and ``.../versions/{n}``.

The history outlives a soft delete, so both work for deleted controls of the caller's tenant.
"""

from controlplane.api.exceptions import APIError, ErrorCode
from controlplane.api.pagination import page

from ..models import ControlVersion
from ..queries import ListVersionsQuery
from .lookups import control_require_any


def _summary(version: ControlVersion) -> dict:
    return {
        "version_num": version.version_num,
        "event_type": version.event_type,
        "note": version.note,
        "created_at": version.created_at.isoformat(),
    }


def control_version_list(*, control_id: int, query: ListVersionsQuery) -> dict:
    """``{"versions": [{version_num, event_type, note, created_at}], "pagination"}``, newest
    first, ``cursor`` = a version number (results are older). Three queries. Raises 404
    ``CONTROL_NOT_FOUND``."""
    control_require_any(control_id)
    versions = ControlVersion.objects.filter(control_id=control_id)
    total = versions.count()
    if query.cursor is not None:
        versions = versions.filter(version_num__lt=query.cursor)
    rows = list(versions.order_by("-version_num")[: query.limit + 1])
    items, pagination = page(rows, query.limit, total, lambda version: version.version_num)
    return {"versions": [_summary(version) for version in items], "pagination": pagination}


def control_version_get(*, control_id: int, version_num: int) -> dict:
    """The version's summary plus its ``snapshot``. Raises 404 ``CONTROL_NOT_FOUND`` (no such
    control in this tenant) or ``CONTROL_VERSION_NOT_FOUND``."""
    control_require_any(control_id)
    version = ControlVersion.objects.filter(control_id=control_id, version_num=version_num).first()
    if version is None:
        raise APIError(
            404,
            ErrorCode.CONTROL_VERSION_NOT_FOUND,
            f"Version '{version_num}' for control with ID '{control_id}' not found",
            kind="ControlVersion",
            name=f"{control_id}:{version_num}",
            hint="Verify the control ID and version number are correct.",
        )
    return {**_summary(version), "snapshot": version.snapshot}
