"""Clone a control and bind the clone to a target (``POST /controls/{id}/clone-and-bind``).

Mirrors the reference server 8.15: in one transaction, the active source control is locked, the
clone is inserted with a copy of the source's stored data (enabled flag and template metadata
included) and ``cloned_from`` = the source, version 1 of the clone records "cloned", and the clone
is bound to the target. Any failure rolls everything back, the clone included.

Without a name, the clone is called ``<source name>-clone-<16 hex digits>`` (the source name cut so
that the whole fits 255 characters), or ``control-<source id>-clone-<hex>`` when the source's name
is not a valid control name; a taken name is retried with a fresh suffix up to five times.
"""

import copy
import re
import secrets

from agent_control_models.server import CloneAndBindControlRequest
from django.db import IntegrityError, transaction

from controlplane.api.exceptions import APIError, ErrorCode, name_conflict
from quotas.enforcement import quota_check
from quotas.resources import Resource

from ..models import Control
from ..names import SLUG_NAME_MAX_LENGTH, SLUG_NAME_PATTERN
from ..selectors.lookups import control_get, control_name_taken
from .bindings import binding_insert, check_bindable
from .control_versions import control_version_append

NAME_ATTEMPTS = 5
SUFFIX = "-clone-"
SUFFIX_HEX_DIGITS = 16


def clone_suffix() -> str:
    """A fresh random suffix for a generated clone name (16 lowercase hex digits)."""
    return secrets.token_hex(SUFFIX_HEX_DIGITS // 2)


def _generated_name(source: Control) -> str:
    room = SLUG_NAME_MAX_LENGTH - len(SUFFIX) - SUFFIX_HEX_DIGITS
    for _ in range(NAME_ATTEMPTS):
        suffix = clone_suffix()
        name = f"{source.name[:room]}{SUFFIX}{suffix}"
        if not re.match(SLUG_NAME_PATTERN, name):
            name = f"control-{source.pk}{SUFFIX}{suffix}"
        if not control_name_taken(name):
            return name
    raise APIError(
        409,
        ErrorCode.CONTROL_NAME_CONFLICT,
        "Could not generate a unique clone name.",
        kind="Control",
        name=source.name,
        hint="Retry the request or provide an explicit clone name.",
    )


def _clone_name(source: Control, requested: str | None) -> str:
    if requested is None:
        return _generated_name(source)
    if control_name_taken(requested):
        raise name_conflict("Control", requested, hint="Choose a different clone name.")
    return requested


def control_clone_and_bind(*, control_id: int, request: CloneAndBindControlRequest) -> dict:
    """Clone control ``control_id`` and bind the clone to ``request.target_binding``.

    Returns ``{"id", "name", "cloned_from_control_id", "binding_id"}``. Raises 404
    ``CONTROL_NOT_FOUND`` (no active source in this tenant), 409 ``CONTROL_NAME_CONFLICT`` (the
    requested name is taken, no free generated name, or a concurrent create took it), 400
    ``CONTROL_BINDING_INCOMPATIBLE`` (the control names an agent-scoped evaluator; the message
    names the clone), 409 ``QUOTA_EXCEEDED`` (the tenant keeps its quota of controls). Nothing is
    written on error.
    """
    target = request.target_binding
    with transaction.atomic():
        source = control_get(control_id, for_update=True)
        name = _clone_name(source, request.name)
        quota_check(Resource.CONTROLS)
        try:
            with transaction.atomic():
                clone = Control.objects.create(
                    name=name, data=copy.deepcopy(source.data), cloned_from=source
                )
        except IntegrityError:
            raise name_conflict("Control", name, hint="Choose a different clone name.") from None
        control_version_append(
            control=clone, event="cloned", note=f"Cloned from control {source.pk}", new=True
        )
        check_bindable(clone)
        binding = binding_insert(
            control=clone,
            target_type=target.target_type,
            target_id=target.target_id,
            enabled=target.enabled,
        )
    return {
        "id": clone.pk,
        "name": clone.name,
        "cloned_from_control_id": source.pk,
        "binding_id": binding.pk,
    }
