"""Policy services: create a policy, and link controls to it.

Mirrors the reference's ``endpoints/policies.py`` (8.15.0): ``PUT /policies``,
``POST|DELETE /policies/{policy_id}/controls/{control_id}`` and
``GET /policies/{policy_id}/controls``. Every lookup goes through the scoped managers, so another
tenant's policy or control is exactly a missing one (404 with the same body). ``PolicyControl``
rows are stamped with the policy's tenant by ``bulk_create``.
"""

from agent_control_models.server import CreatePolicyRequest
from django.db import IntegrityError, transaction

from controlplane.api.exceptions import name_conflict
from quotas.enforcement import quota_check
from quotas.resources import Resource

from ..models import Policy, PolicyControl
from ..selectors.lookups import control_get, policy_get


def policy_create(*, request: CreatePolicyRequest) -> Policy:
    """Create an empty policy named ``request.name`` (already trimmed by ``SlugName``; case kept).

    One ``INSERT`` in a savepoint: a duplicate name within the tenant, including one created by a
    concurrent request, raises 409 ``POLICY_NAME_CONFLICT`` (mirrors ``PUT /api/v1/policies``); a
    policy past the tenant's quota raises 409 ``QUOTA_EXCEEDED``.
    """
    try:
        with transaction.atomic():
            quota_check(Resource.POLICIES)
            return Policy.objects.create(name=request.name)
    except IntegrityError:
        raise name_conflict("Policy", request.name) from None


def policy_add_control(*, policy_id: int, control_id: int) -> None:
    """Link control ``control_id`` to policy ``policy_id``; idempotent and race-safe
    (``INSERT ... ON CONFLICT DO NOTHING``), as ``POST /policies/{p}/controls/{c}``.

    Raises 404 ``POLICY_NOT_FOUND``, then 404 ``CONTROL_NOT_FOUND`` (also for a soft-deleted
    control). Agents holding the policy see the control at once; no compatibility check here (the
    reference checks only when a policy is attached to an agent). The control row is locked for
    the transaction, so a concurrent delete cannot miss the new link.
    """
    policy = policy_get(policy_id)
    with transaction.atomic():
        control = control_get(control_id, for_update=True)
        PolicyControl.objects.bulk_create(
            [PolicyControl(policy=policy, control=control)], ignore_conflicts=True
        )


def policy_remove_control(*, policy_id: int, control_id: int) -> None:
    """Unlink control ``control_id`` from policy ``policy_id``; removing a link that does not exist
    is a no-op (``DELETE /policies/{p}/controls/{c}``).

    Raises 404 ``POLICY_NOT_FOUND``, then 404 ``CONTROL_NOT_FOUND`` (also for a soft-deleted control).
    """
    policy = policy_get(policy_id)
    control = control_get(control_id)
    PolicyControl.objects.filter(policy=policy, control=control).delete()


def policy_control_ids(*, policy_id: int) -> list[int]:
    """Ids of the policy's non-deleted controls, ascending (``GET /policies/{p}/controls``).

    One query when the policy has controls (a link row proves the policy exists in this tenant);
    a second one to tell an empty policy from a missing one (404 ``POLICY_NOT_FOUND``).
    """
    # ``policy__pk`` (not ``policy_id``) so an id beyond the column's range matches nothing
    # instead of overflowing the SQLite driver.
    control_ids = list(
        PolicyControl.objects.filter(policy__pk=policy_id, control__deleted_at__isnull=True)
        .order_by("control_id")
        .values_list("control_id", flat=True)
    )
    if not control_ids:
        policy_get(policy_id)
    return control_ids
