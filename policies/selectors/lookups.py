"""Tenant-scoped lookups of controls and policies for the API.

Every function reads through the default (scoped) managers, so another tenant's row is exactly a
missing row: the same 404 ``CONTROL_NOT_FOUND`` / ``POLICY_NOT_FOUND`` body, as the reference's
tenant stack answers. Soft-deleted controls are missing too, except to ``control_require_any``.
"""

from controlplane.api.exceptions import APIError, not_found

from ..models import Control, Policy

CONTROL_HINT = "Verify the control ID is correct and the control has been created."
POLICY_HINT = "Verify the policy ID is correct and the policy has been created."


def control_not_found(control_id: int, *, hint: str = CONTROL_HINT) -> APIError:
    """The reference's 404 ``CONTROL_NOT_FOUND`` error for ``control_id``."""
    return not_found(
        "Control", f"Control with ID '{control_id}' not found", name=control_id, hint=hint
    )


def policy_not_found(policy_id: int) -> APIError:
    """The reference's 404 ``POLICY_NOT_FOUND`` error for ``policy_id``."""
    return not_found(
        "Policy", f"Policy with ID '{policy_id}' not found", name=policy_id, hint=POLICY_HINT
    )


def control_get(control_id: int, *, for_update: bool = False, hint: str = CONTROL_HINT) -> Control:
    """The caller's tenant's non-deleted control ``control_id``; raises 404 ``CONTROL_NOT_FOUND``
    (with ``hint``).

    ``for_update=True`` locks the row (``SELECT ... FOR UPDATE`` on PostgreSQL); call it inside
    ``transaction.atomic()``.
    """
    queryset = Control.objects.filter(deleted_at__isnull=True)
    if for_update:
        queryset = queryset.select_for_update()
    try:
        return queryset.get(pk=control_id)
    except Control.DoesNotExist:
        raise control_not_found(control_id, hint=hint) from None


def control_name_taken(name: str, *, exclude_id: int | None = None) -> bool:
    """Whether a non-deleted control of the caller's tenant (other than ``exclude_id``) is called
    ``name``."""
    taken = Control.objects.filter(name=name, deleted_at__isnull=True)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    return taken.exists()


def control_require_any(control_id: int) -> None:
    """404 ``CONTROL_NOT_FOUND`` unless the caller's tenant has control ``control_id``, deleted or
    not (the version history outlives a soft delete)."""
    if not Control.objects.filter(pk=control_id).exists():
        raise control_not_found(control_id)


def policy_get(policy_id: int) -> Policy:
    """The caller's tenant's policy ``policy_id``; raises 404 ``POLICY_NOT_FOUND``."""
    try:
        return Policy.objects.get(pk=policy_id)
    except Policy.DoesNotExist:
        raise policy_not_found(policy_id) from None
