"""Control writes: create, replace data, rename / enable, soft delete (the reference's
``PUT /controls``, ``PUT /controls/{id}/data``, ``PATCH /controls/{id}``, ``DELETE /controls/{id}``).

Each write runs in one transaction, locks the control row it changes, and appends a
``ControlVersion``. Names are unique among a tenant's non-deleted controls (a partial unique
constraint); a duplicate is answered 409 ``CONTROL_NAME_CONFLICT``, also when two requests race
(the ``IntegrityError`` is translated, never a 500). Rows are read and written through the scoped
managers, so another tenant's control is a missing control (404).
"""

from agent_control_models import UnrenderedTemplateControl
from agent_control_models.server import (
    CreateControlRequest,
    PatchControlRequest,
    SetControlDataRequest,
)
from django.db import IntegrityError, transaction
from django.utils import timezone

from controlplane.api.exceptions import APIError, ErrorCode, error_item, name_conflict

from ..definitions.errors import corrupted_control
from ..definitions.parsing import parse_control_data
from ..definitions.predicates import has_template
from ..definitions.storing import stored_json
from ..models import Control, PolicyControl
from ..selectors.lookups import control_get
from ..signals import ask, control_detaching, control_users, control_validating
from .control_versions import control_version_append


def _name_taken(name: str, *, exclude_id: int | None = None) -> bool:
    """Whether a non-deleted control of the caller's tenant is called ``name``."""
    taken = Control.objects.filter(name=name, deleted_at__isnull=True)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    return taken.exists()


def control_create(*, request: CreateControlRequest) -> Control:
    """Create a control from a validated request and record version 1 ("Initial creation").

    Two inserts in one transaction, plus what the ``control_validating`` receivers read (one
    lookup for agent-scoped evaluators). Raises 409 ``CONTROL_NAME_CONFLICT``, and the receivers'
    errors; nothing is written on error.
    """
    definition = request.data
    try:
        with transaction.atomic():
            control = Control.objects.create(name=request.name, data=stored_json(definition))
            # After the insert, so a duplicate name wins over evaluator errors (reference order).
            control_validating.send(sender=Control, definition=definition)
            control_version_append(
                control=control, event="created", note="Initial creation", new=True
            )
    except IntegrityError:
        if _name_taken(request.name):
            raise name_conflict("Control", request.name) from None
        raise
    return control


def template_conflict(control_id: int) -> APIError:
    """409 ``CONTROL_TEMPLATE_CONFLICT``: raw data sent to a template-backed control."""
    return APIError(
        409,
        ErrorCode.CONTROL_TEMPLATE_CONFLICT,
        "Template-backed controls cannot be updated with raw control data in v1",
        kind="Control",
        name=str(control_id),
        hint="Submit template input to update this control, or delete and recreate it as a raw "
        "control.",
        errors=[
            error_item(
                "Control",
                "data",
                "template_backed_control_conflict",
                "Template-backed controls must be updated with template input.",
            )
        ],
    )


def control_set_data(*, control_id: int, request: SetControlDataRequest) -> None:
    """Replace a control's definition (``PUT /controls/{id}/data``) and record "Edited".

    Raises 404 ``CONTROL_NOT_FOUND``, 409 ``CONTROL_TEMPLATE_CONFLICT`` (a template-backed row,
    which only exists if written outside this API), and the ``control_validating`` receivers'
    errors.
    """
    with transaction.atomic():
        control = control_get(control_id, for_update=True)
        if has_template(control.data):
            raise template_conflict(control_id)
        control_validating.send(sender=Control, definition=request.data)
        control.data = stored_json(request.data)
        control.save(update_fields=["data", "updated_at"])
        control_version_append(control=control, event="updated", note="Edited")


def _cannot_enable_template(control: Control) -> APIError:
    detail = (
        f"Cannot enable control '{control.name}': unrendered template controls must be "
        "rendered first"
    )
    hint = (
        f"Provide complete parameter values via PUT /api/v1/controls/{control.pk}/data to "
        "render the template before enabling."
    )
    message = "Provide parameter values to render the template before enabling."
    item = error_item("Control", "enabled", "unrendered_template_cannot_enable", message)
    return APIError(
        422, ErrorCode.VALIDATION_ERROR, detail, kind="Control", hint=hint, errors=[item]
    )


def control_patch(*, control_id: int, request: PatchControlRequest) -> dict:
    """Rename and/or enable/disable a control (``PATCH /controls/{id}``).

    Returns ``{"success": True, "name": str, "enabled": bool}`` (the state after the change).
    Records "Edited" only when something changed. Raises 404 ``CONTROL_NOT_FOUND``, 422
    ``CORRUPTED_DATA``, 409 ``CONTROL_NAME_CONFLICT``, 422 ``VALIDATION_ERROR`` when enabling an
    unrendered template draft.
    """
    with transaction.atomic():
        control = control_get(control_id, for_update=True)
        parsed = parse_control_data(control.data)
        if parsed.model is None:
            raise corrupted_control(
                control_id=control_id, name=control.name, parsed=parsed, control_endpoint=True
            )
        fields = []
        if request.name is not None and request.name != control.name:
            if _name_taken(request.name, exclude_id=control.pk):
                raise name_conflict("Control", request.name)
            control.name = request.name
            fields.append("name")
        enabled = parsed.enabled
        if request.enabled is not None:
            if isinstance(parsed.model, UnrenderedTemplateControl):
                if request.enabled:
                    raise _cannot_enable_template(control)
            elif request.enabled != parsed.enabled:
                control.data = {**control.data, "enabled": request.enabled}
                enabled = request.enabled
                fields.append("data")
        if fields:
            try:
                with transaction.atomic():
                    control.save(update_fields=[*fields, "updated_at"])
            except IntegrityError:
                raise name_conflict("Control", control.name) from None
            control_version_append(control=control, event="updated", note="Edited")
    return {"success": True, "name": control.name, "enabled": enabled}


def _in_use(control: Control, policy_ids: list[int], agent_names: list[str]) -> APIError:
    errors = [
        error_item(
            "Policy",
            "controls",
            "control_in_use",
            f"Control is associated with policy ID {policy_id}",
            policy_id,
        )
        for policy_id in policy_ids
    ] + [
        error_item(
            "Agent",
            "controls",
            "control_in_use",
            f"Control is directly associated with agent '{agent_name}'",
            agent_name,
        )
        for agent_name in agent_names
    ]
    return APIError(
        409,
        ErrorCode.CONTROL_IN_USE,
        f"Control '{control.name}' is associated with {len(policy_ids)} policy/policies, "
        f"{len(agent_names)} agent(s), and 0 target binding(s)",
        kind="Control",
        name=control.name,
        hint="Use force=true to dissociate and delete, or remove associations and target "
        "bindings manually first.",
        errors=errors,
    )


def control_delete(*, control_id: int, force: bool) -> dict:
    """Soft-delete a control (``DELETE /controls/{id}?force=``) and record "Deleted".

    Without ``force``, a control linked to a policy or directly to an agent (answered through
    ``policies.signals.control_users``) is refused with 409
    ``CONTROL_IN_USE`` (one ``errors[]`` item per link: policies by ascending id, then agents by
    name). With ``force`` the links are removed first (agents' through ``control_detaching``). Returns ``{"success", "dissociated_from",
    "dissociated_from_policies", "dissociated_from_agents", "detached_target_bindings"}``
    (this server has no target bindings: always ``[]``). Raises 404 ``CONTROL_NOT_FOUND``.
    """
    with transaction.atomic():
        control = control_get(control_id, for_update=True)
        policy_links = PolicyControl.objects.filter(control_id=control.pk)
        policy_ids = sorted(set(policy_links.values_list("policy_id", flat=True)))
        users = ask(control_users, control_ids=[control.pk])
        agent_names = sorted({user.agent_name for user in users if user.direct})
        if (policy_ids or agent_names) and not force:
            raise _in_use(control, policy_ids, agent_names)
        if policy_ids:
            policy_links.delete()
        if agent_names:
            control_detaching.send(sender=Control, control_id=control.pk)
        control.deleted_at = timezone.now()
        control.save(update_fields=["deleted_at", "updated_at"])
        control_version_append(control=control, event="deleted", note="Deleted")
    return {
        "success": True,
        "dissociated_from": policy_ids,
        "dissociated_from_policies": policy_ids,
        "dissociated_from_agents": agent_names,
        "detached_target_bindings": [],
    }
