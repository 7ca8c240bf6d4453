"""Control binding writes: create, enable/disable, delete, and the natural-key variants.

Mirrors the reference server 8.15's ``/api/v1/control-bindings`` routes. The natural key of a
binding is ``(target_type, target_id, control)`` within the tenant (a unique constraint); a new
binding needs a *bindable* control: an active control of the caller's tenant (404
``CONTROL_NOT_FOUND`` otherwise) whose condition names no agent-scoped evaluator (400
``CONTROL_BINDING_INCOMPATIBLE``: a target is not an agent). The control row is locked while a
binding is added, so a concurrent delete cannot miss it. Rows are read and written through the
scoped managers: another tenant's binding or control is a missing one.
"""

from agent_control_models.server import (
    CreateControlBindingRequest,
    DeleteControlBindingByKeyRequest,
    PatchControlBindingByKeyRequest,
    UpsertControlBindingRequest,
)
from django.db import IntegrityError, transaction
from django.utils import timezone

from controlplane.api.exceptions import APIError, ErrorCode

from ..definitions.parsing import parse_control_data
from ..models import Control, ControlBinding
from ..selectors.bindings import binding_get
from ..selectors.lookups import control_get

BINDABLE_HINT = (
    "Verify the control ID, that it has not been deleted, and that it belongs to the same "
    "namespace as the binding."
)

type KeyRequest = (
    CreateControlBindingRequest
    | UpsertControlBindingRequest
    | PatchControlBindingByKeyRequest
    | DeleteControlBindingByKeyRequest
)


def check_bindable(control: Control) -> None:
    """400 ``CONTROL_BINDING_INCOMPATIBLE`` when ``control``'s condition names an agent-scoped
    evaluator (``"<agent>:<evaluator>"``); drafts and unreadable rows name none."""
    parsed = parse_control_data(control.data)
    names = parsed.evaluator_names if parsed.model is not None else ()
    scoped = sorted({name for name in names or () if ":" in name})
    if scoped:
        raise APIError(
            400,
            ErrorCode.CONTROL_BINDING_INCOMPATIBLE,
            f"Control '{control.name}' references agent-scoped evaluator(s) {scoped!r} and "
            "cannot be attached to a target binding.",
            hint="Use a control whose evaluators are all global (built-in or external), or "
            "attach this control directly to the specific agent that registered the evaluator.",
        )


def _bindable_control(control_id: int) -> Control:
    """The locked, bindable control ``control_id`` (call inside ``transaction.atomic()``)."""
    control = control_get(control_id, for_update=True, hint=BINDABLE_HINT)
    check_bindable(control)
    return control


def _by_key(request: KeyRequest):
    return ControlBinding.objects.filter(
        target_type=request.target_type,
        target_id=request.target_id,
        control__pk=request.control_id,
    )


def binding_insert(*, control: Control, target_type: str, target_id: str, enabled: bool):
    """Insert a binding of the already checked ``control`` in a savepoint; ``None`` when its
    natural key exists (also when a concurrent request inserted it first)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return ControlBinding.objects.create(
                control=control,
                target_type=target_type,
                target_id=target_id,
                enabled=enabled,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        return None


def binding_create(*, request: CreateControlBindingRequest) -> ControlBinding:
    """``PUT /control-bindings``: a new binding. Raises 404 ``CONTROL_NOT_FOUND``, 400
    ``CONTROL_BINDING_INCOMPATIBLE``, 409 ``CONTROL_BINDING_CONFLICT`` (the natural key exists,
    enabled or not)."""
    with transaction.atomic():
        control = _bindable_control(request.control_id)
        binding = binding_insert(
            control=control,
            target_type=request.target_type,
            target_id=request.target_id,
            enabled=request.enabled,
        )
    if binding is None:
        raise APIError(
            409,
            ErrorCode.CONTROL_BINDING_CONFLICT,
            "A binding for this (target_type, target_id, control_id) already exists in this "
            "namespace.",
            kind="ControlBinding",
            hint="Update the existing binding instead of creating a new one.",
        )
    return binding


def _set_enabled(binding: ControlBinding, enabled: bool) -> dict:
    """Store ``enabled`` (``updated_at`` changes only when the value does)."""
    if binding.enabled != enabled:
        binding.enabled, binding.updated_at = enabled, timezone.now()
        binding.save(update_fields=["enabled", "updated_at"])
    return {"success": True, "enabled": binding.enabled}


def binding_set_enabled(*, binding_id: int, enabled: bool) -> dict:
    """``PATCH /control-bindings/{id}`` -> ``{"success": true, "enabled"}``; raises 404
    ``CONTROL_BINDING_NOT_FOUND``."""
    with transaction.atomic():
        return _set_enabled(binding_get(binding_id, for_update=True), enabled)


def binding_delete(*, binding_id: int) -> None:
    """``DELETE /control-bindings/{id}``; raises 404 ``CONTROL_BINDING_NOT_FOUND``."""
    deleted, _ = ControlBinding.objects.filter(pk=binding_id).delete()
    if not deleted:
        binding_get(binding_id)  # raises the 404


def binding_upsert(*, request: UpsertControlBindingRequest) -> dict:
    """``PUT /control-bindings/by-key`` -> ``{"binding_id", "created", "enabled"}``: the binding
    with the request's natural key gets ``enabled`` (default ``true``), created if missing. A
    concurrent insert of the same key makes this an update (never a 409). Raises 404
    ``CONTROL_NOT_FOUND``, 400 ``CONTROL_BINDING_INCOMPATIBLE`` (checked first, even when the
    binding exists)."""
    with transaction.atomic():
        control = _bindable_control(request.control_id)
        binding = _by_key(request).select_for_update().first()
        created = False
        if binding is None:
            binding = binding_insert(
                control=control,
                target_type=request.target_type,
                target_id=request.target_id,
                enabled=request.enabled,
            )
            created = binding is not None
            if not created:  # a concurrent request inserted it first
                binding = _by_key(request).select_for_update().get()
        if not created:
            _set_enabled(binding, request.enabled)
    return {"binding_id": binding.pk, "created": created, "enabled": binding.enabled}


def binding_patch_by_key(*, request: PatchControlBindingByKeyRequest) -> dict:
    """``PATCH /control-bindings/by-key`` -> ``{"success": true, "enabled"}``; never creates:
    raises 404 ``CONTROL_BINDING_NOT_FOUND`` when no binding has the key."""
    with transaction.atomic():
        binding = _by_key(request).select_for_update().first()
        if binding is None:
            raise APIError(
                404,
                ErrorCode.CONTROL_BINDING_NOT_FOUND,
                "Control binding not found for the supplied (target_type, target_id, control_id).",
                kind="ControlBinding",
                hint="Verify the target and control IDs, or attach the control before updating "
                "the binding.",
            )
        return _set_enabled(binding, request.enabled)


def binding_delete_by_key(*, request: DeleteControlBindingByKeyRequest) -> dict:
    """``POST /control-bindings/by-key:delete`` -> ``{"deleted": bool}``; idempotent, and the
    control is not checked (an unknown one simply deletes nothing)."""
    deleted, _ = _by_key(request).delete()
    return {"deleted": bool(deleted)}
