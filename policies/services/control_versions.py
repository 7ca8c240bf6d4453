"""Control history writes: the append-only ``ControlVersion`` rows.

Every create, update and delete appends one row whose ``snapshot`` is the reference's
``{name, data, deleted_at, cloned_from_control_id, cloned_control_id}`` (the last is the
reference's legacy alias of the clone source). Version numbers count from 1 per control; writers
hold the control's row lock (``control_get(..., for_update=True)``) while appending. Reads are in
``policies.selectors.control_versions``.
"""

from django.db.models import Max

from ..models import Control, ControlVersion


def control_snapshot(control: Control) -> dict:
    """The persisted state of ``control`` as stored in its version history."""
    deleted_at = control.deleted_at.isoformat() if control.deleted_at is not None else None
    return {
        "name": control.name,
        "data": control.data,
        "deleted_at": deleted_at,
        "cloned_from_control_id": control.cloned_from_id,
        "cloned_control_id": control.cloned_from_id,
    }


def control_version_append(
    *, control: Control, event: str, note: str, new: bool = False
) -> ControlVersion:
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
        control=control,
        version_num=number,
        event_type=event,
        note=note,
        snapshot=control_snapshot(control),
    )
