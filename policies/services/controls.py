"""Control writes: create, replace data, rename / enable, soft delete (the reference's
``PUT /controls``, ``PUT /controls/{id}/data``, ``PATCH /controls/{id}``, ``DELETE /controls/{id}``).

Each write runs in one transaction, locks the control row it changes, and appends a
``ControlVersion``. Names are unique among a tenant's non-deleted controls (a partial unique
constraint); a duplicate is answered 409 ``CONTROL_NAME_CONFLICT``, also when two requests race
(the ``IntegrityError`` is translated, never a 500). Rows are read and written through the scoped
managers, so another tenant's control is a missing control (404).
"""

from agent_control_models import (
    ControlDefinition,
    RenderControlTemplateRequest,
    TemplateControlInput,
    UnrenderedTemplateControl,
)
from agent_control_models.server import (
    CreateControlRequest,
    PatchControlRequest,
    SetControlDataRequest,
    ValidateControlDataRequest,
)
from django.db import IntegrityError, transaction
from django.utils import timezone

from controlplane.api.exceptions import APIError, ErrorCode, error_item, name_conflict
from controlplane.api.validation import validate_body
from quotas.enforcement import quota_check
from quotas.resources import Resource

from ..definitions.errors import corrupted_control
from ..definitions.parsing import parse_control_data
from ..definitions.rendering import render
from ..definitions.templates import Materialized, materialize
from ..models import Control, ControlBinding, PolicyControl
from ..selectors.lookups import control_get, control_name_taken, control_not_found
from ..signals import ask, control_detaching, control_users, control_validating
from .control_versions import control_version_append


def _check_evaluators(materialized: Materialized) -> None:
    """Let the ``control_validating`` receivers refuse the definition (a draft has none)."""
    if materialized.definition is not None:
        control_validating.send(sender=Control, definition=materialized.definition)


def control_data_prepare(data, *, control: Control | None = None) -> dict:
    """Check a control definition (decoded JSON) exactly as ``PUT /controls`` (``control`` is
    ``None``) or ``PUT /controls/{id}/data`` (the stored ``control``) would, and return the JSON to
    store (a raw definition, a rendered template or a disabled draft). Nothing is written. For
    callers that hold the data without a request, the admin's control form.

    Raises ``APIError``: 422 ``VALIDATION_ERROR`` (the library's errors, fields ``data.*``), 409
    ``CONTROL_TEMPLATE_CONFLICT``, 422 ``TEMPLATE_*``, and the ``control_validating`` receivers'
    errors (an agent-scoped evaluator that does not exist).
    """
    request = validate_body(SetControlDataRequest, {"data": data})
    current, control_id = (control.data, control.pk) if control is not None else (None, None)
    materialized = materialize(request.data, current=current, control_id=control_id)
    _check_evaluators(materialized)
    return materialized.stored


def control_create(*, request: CreateControlRequest) -> Control:
    """Create a control from a validated request and record version 1 ("Initial creation").

    ``request.data`` is a raw definition or template input (``definitions.templates``: a
    template renders, or is stored as a disabled draft when values are missing). Two inserts in
    one transaction, plus what the ``control_validating`` receivers read (one lookup for
    agent-scoped evaluators). Raises 409 ``CONTROL_NAME_CONFLICT`` (before any template error),
    422 ``TEMPLATE_RENDER_ERROR`` / ``TEMPLATE_PARAMETER_INVALID``, 409 ``QUOTA_EXCEEDED`` (the
    tenant keeps its quota of controls), and the receivers' errors; nothing is written on error.
    """
    if isinstance(request.data, TemplateControlInput) and control_name_taken(request.name):
        raise name_conflict("Control", request.name)
    materialized = materialize(request.data)
    try:
        with transaction.atomic():
            quota_check(Resource.CONTROLS)
            control = Control.objects.create(name=request.name, data=materialized.stored)
            # After the insert, so a duplicate name wins over evaluator errors (reference order).
            _check_evaluators(materialized)
            control_version_append(
                control=control, event="created", note="Initial creation", new=True
            )
    except IntegrityError:
        if control_name_taken(request.name):
            raise name_conflict("Control", request.name) from None
        raise
    return control


def control_validate(*, request: ValidateControlDataRequest) -> None:
    """Check a definition as create would, without a name and without storing anything
    (``POST /controls/validate``): template input with missing values passes as a draft."""
    _check_evaluators(materialize(request.data))


def control_template_render(*, request: RenderControlTemplateRequest) -> ControlDefinition:
    """The control a template renders to, enabled, checked like a new control; nothing is
    stored (``POST /control-templates/render``). Missing values are an error here (no drafts):
    422 ``TEMPLATE_RENDER_ERROR`` / ``TEMPLATE_PARAMETER_INVALID``."""
    control = render(request, enabled=True)
    control_validating.send(sender=Control, definition=control)
    return control


def control_set_data(*, control_id: int, request: SetControlDataRequest) -> None:
    """Replace a control's definition (``PUT /controls/{id}/data``) and record "Edited".

    Template input re-renders (keeping the stored ``enabled`` flag) or updates a draft; see
    ``definitions.templates.materialize``. Raises 404 ``CONTROL_NOT_FOUND``, 409
    ``CONTROL_TEMPLATE_CONFLICT`` (raw data for a template-backed control), 422
    ``TEMPLATE_RENDER_ERROR`` / ``TEMPLATE_PARAMETER_INVALID``, and the ``control_validating``
    receivers' errors. A failed update leaves the row as it was.
    """
    with transaction.atomic():
        control = control_get(control_id, for_update=True)
        materialized = materialize(request.data, current=control.data, control_id=control_id)
        _check_evaluators(materialized)
        control.data = materialized.stored
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
            if control_name_taken(request.name, exclude_id=control.pk):
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


def _in_use(
    control: Control, policy_ids: list[int], agent_names: list[str], binding_ids: list[int]
) -> APIError:
    links = (
        ("Policy", "controls", "Control is associated with policy ID {}", policy_ids),
        ("Agent", "controls", "Control is directly associated with agent '{}'", agent_names),
        (
            "ControlBinding",
            "control_id",
            "Control is attached to a target via binding ID {}",
            binding_ids,
        ),
    )
    errors = [
        error_item(resource, field, "control_in_use", message.format(value), value)
        for resource, field, message, values in links
        for value in values
    ]
    return APIError(
        409,
        ErrorCode.CONTROL_IN_USE,
        f"Control '{control.name}' is associated with {len(policy_ids)} policy/policies, "
        f"{len(agent_names)} agent(s), and {len(binding_ids)} target binding(s)",
        kind="Control",
        name=control.name,
        hint="Use force=true to dissociate and delete, or remove associations and target "
        "bindings manually first.",
        errors=errors,
    )


def control_delete(*, control_id: int, force: bool) -> dict:
    """Soft-delete a control (``DELETE /controls/{id}?force=``) and record "Deleted".

    Without ``force``, a control linked to a policy, directly to an agent (answered through
    ``policies.signals.control_users``) or bound to a target (enabled or not) is refused with 409
    ``CONTROL_IN_USE`` (one ``errors[]`` item per link: policies by ascending id, then agents by
    name, then bindings by id). With ``force`` the links are removed first (agents' through
    ``control_detaching``) and the bindings deleted. Returns ``{"success", "dissociated_from",
    "dissociated_from_policies", "dissociated_from_agents", "detached_target_bindings"}``.
    Raises 404 ``CONTROL_NOT_FOUND``.
    """
    with transaction.atomic():
        control = control_get(control_id, for_update=True)
        policy_links = PolicyControl.objects.filter(control_id=control.pk)
        policy_ids = sorted(set(policy_links.values_list("policy_id", flat=True)))
        users = ask(control_users, control_ids=[control.pk])
        agent_names = sorted({user.agent_name for user in users if user.direct})
        bindings = ControlBinding.objects.filter(control_id=control.pk)
        binding_ids = list(bindings.order_by("id").values_list("id", flat=True))
        if (policy_ids or agent_names or binding_ids) and not force:
            raise _in_use(control, policy_ids, agent_names, binding_ids)
        if policy_ids:
            policy_links.delete()
        if binding_ids:
            bindings.delete()
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
        "detached_target_bindings": binding_ids,
    }


def control_restore(*, control_id: int) -> Control:
    """Undo a soft delete (the admin's restore action) and record "Restored". The links and
    bindings a forced delete removed are not brought back. Raises 404 ``CONTROL_NOT_FOUND`` (no
    such control, or not deleted), 409 ``CONTROL_NAME_CONFLICT`` when an active control of the
    tenant has taken the name since, and 409 ``QUOTA_EXCEEDED`` when the tenant's active controls
    already fill its quota (a restored control counts again)."""
    with transaction.atomic():
        control = (
            Control.objects.select_for_update()
            .filter(pk=control_id, deleted_at__isnull=False)
            .first()
        )
        if control is None:
            raise control_not_found(control_id)
        if control_name_taken(control.name):
            raise name_conflict("Control", control.name)
        quota_check(Resource.CONTROLS)
        control.deleted_at = None
        control.save(update_fields=["deleted_at", "updated_at"])
        control_version_append(control=control, event="updated", note="Restored")
    return control
