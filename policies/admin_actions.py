"""The control change list's actions: soft delete (refused while in use), detach and soft delete,
restore; each control in its own tenant, through the API's services (``services.controls``), so
versions are recorded and the API's rules hold.

The messages are the admin's, in sentences: one for the controls done, one for those skipped (a
soft delete of a control already deleted, a restore of one that is not), one per refusal, saying
what to do instead of the API's wording ("force=true"). A message never starts with a control's
name: the admin capitalises a message's first letter.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin, messages

from controlplane.api.exceptions import APIError, ErrorCode
from quotas.enforcement import QuotaExceeded
from tenancy.context import tenant_context

from .models import Control
from .services.controls import control_delete, control_restore

DETACH_ACTION = "Detach and soft-delete selected controls"


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _label(control: Control) -> str:
    return f"{control.name} ({control.tenant_id})"


def _in_use(exc: APIError) -> str:
    links = [item.get("resource") for item in exc.errors or ()]
    parts = [
        _count(links.count(resource), noun, plural)
        for resource, noun, plural in (
            ("Policy", "policy", "policies"),
            ("Agent", "agent", None),
            ("ControlBinding", "target binding", None),
        )
        if links.count(resource)
    ]
    return f"it is in use ({_and(parts)}). Remove those links first, or choose “{DETACH_ACTION}”."


def refusal(control: Control, verb: str, exc: APIError) -> str:
    """Why ``control`` was not ``verb`` (``"soft-deleted"``, ``"restored"``), in the admin's
    words."""
    if exc.error_code == ErrorCode.CONTROL_IN_USE:
        reason = _in_use(exc)
    elif exc.error_code == ErrorCode.CONTROL_NAME_CONFLICT:
        reason = (
            f"another active control of the tenant is named “{control.name}”. Rename or "
            "soft-delete that one first."
        )
    elif isinstance(exc, QuotaExceeded):
        reason = (
            f"the tenant already keeps its quota of {_count(exc.limit, 'active control')}. "
            "Raise its limit (Tenant limits) or soft-delete another control first."
        )
    else:
        reason = str(exc.detail).rstrip(".") + "."
    return f"The control “{control.name}” of tenant “{control.tenant_id}” was not {verb}: {reason}"


@dataclass(frozen=True)
class ControlAction:
    """One action: ``work(control)`` on the selected controls in the state it acts on."""

    name: str
    description: str
    verb: str  # "soft-deleted": the message words
    done: str  # "Soft-deleted": the success message's first word(s)
    acts_on_deleted: bool
    skipped: str  # why a control in the other state was left alone (after "is"/"are")
    work: Callable[[Control], object]

    def __call__(self, model_admin, request, queryset) -> None:
        done, skipped = [], []
        for control in queryset.order_by("tenant_id", "name"):
            if (control.deleted_at is not None) != self.acts_on_deleted:
                skipped.append(_label(control))
                continue
            try:
                with tenant_context(control.tenant_id):
                    self.work(control)
            except APIError as exc:
                model_admin.message_user(request, refusal(control, self.verb, exc), messages.ERROR)
            else:
                done.append(_label(control))
        if done:
            text = f"{self.done} {_count(len(done), 'control')}: {', '.join(done)}."
            model_admin.message_user(request, text, messages.SUCCESS)
        if skipped:
            subject = "The control" if len(skipped) == 1 else "The controls"
            verb = "is" if len(skipped) == 1 else "are"
            text = f"{subject} {', '.join(skipped)} {verb} {self.skipped}"
            model_admin.message_user(request, text, messages.WARNING)

    def as_admin_action(self):
        def action(model_admin, request, queryset):
            self(model_admin, request, queryset)

        action.__name__ = self.name
        return admin.action(description=self.description)(action)


_ACTIONS = (
    ControlAction(
        "soft_delete_selected", "Soft-delete selected controls", "soft-deleted", "Soft-deleted",
        False, "already soft-deleted: nothing was done.",
        lambda control: control_delete(control_id=control.pk, force=False),
    ),
    ControlAction(
        "force_soft_delete_selected", DETACH_ACTION, "soft-deleted", "Detached and soft-deleted",
        False, "already soft-deleted: nothing was done.",
        lambda control: control_delete(control_id=control.pk, force=True),
    ),
    ControlAction(
        "restore_selected", "Restore selected controls", "restored", "Restored",
        True, "not deleted: there is nothing to restore.",
        lambda control: control_restore(control_id=control.pk),
    ),
)  # fmt: skip

#: The change list's actions, in menu order.
CONTROL_ACTIONS = tuple(action.as_admin_action() for action in _ACTIONS)
