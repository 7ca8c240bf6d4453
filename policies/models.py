"""Control, ControlVersion, Policy and PolicyControl.

- ``Control.data`` is the ``ControlDefinition`` JSON as the reference stores it (validated with
  ``agent-control-models``; unset fields omitted, ``enabled`` always present). Controls are soft
  deleted (``deleted_at``); a deleted control's name can be reused, so uniqueness of
  ``(tenant_id, name)`` holds among non-deleted rows only.
- ``ControlVersion`` is the append-only history of a control (``created``/``updated``/``deleted``);
  it takes the control's tenant.
- ``PolicyControl`` is the policy <-> control through row; it takes the policy's tenant.
- ``ControlBinding`` attaches a control to a *target*, an opaque ``(target_type, target_id)``
  pair chosen by the caller (there is no targets table); it takes the control's tenant. Requests
  that carry the target get the controls bound to it through enabled bindings.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from tenancy.fields import TenantForeignKey, TenantManyToManyField
from tenancy.models import TenantLinkModel, TenantModel, link_fields, link_keys

from .definitions.errors import describe_problems
from .definitions.parsing import parse_control_data
from .names import SLUG_NAME_MAX_LENGTH, validate_slug_name


class Control(TenantModel):
    """A named guardrail (``PUT /api/v1/controls``)."""

    name = models.CharField(max_length=SLUG_NAME_MAX_LENGTH, validators=[validate_slug_name])
    data = models.JSONField(help_text="The ControlDefinition JSON.")
    deleted_at = models.DateTimeField(null=True, blank=True)
    cloned_from = TenantForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clones",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "name"],
                condition=models.Q(deleted_at__isnull=True),
                name="policies_control_tenant_name_active_uniq",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant_id", "-id"], name="policies_control_tenant_id"),
        ]

    def __str__(self):
        deleted = ", deleted" if self.deleted_at is not None else ""
        return f"{self.name} ({self.tenant_id}{deleted})"

    def clean(self):
        """The stored definition must parse with the library's models (a template draft as
        ``UnrenderedTemplateControl``), as every reader of controls requires
        (``definitions.parsing``). The admin's form checks more, as the API does (templates are
        rendered, agent-scoped evaluators must exist): ``services.controls.control_data_prepare``.
        """
        if self.data is None:
            return  # a missing or unreadable value is the field's own error
        parsed = parse_control_data(self.data)
        if parsed.model is None:
            raise ValidationError({"data": describe_problems(parsed.problems)})


class ControlVersion(TenantModel):
    """One entry of a control's history (``GET /api/v1/controls/{id}/versions``)."""

    tenant_parent = "control"

    class Event(models.TextChoices):
        CREATED = "created"
        UPDATED = "updated"
        DELETED = "deleted"
        CLONED = "cloned"

    control = TenantForeignKey(
        Control, on_delete=models.CASCADE, related_name="versions", db_constraint=False
    )
    version_num = models.PositiveIntegerField()
    event_type = models.CharField(max_length=16, choices=Event.choices)
    note = models.CharField(max_length=255, blank=True, default="")
    snapshot = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "control", "version_num"],
                name="policies_controlversion_tenant_num_uniq",
            ),
        ]

    def __str__(self):
        with self._own_tenant():
            name = self.control.name
        return f"{name} v{self.version_num}, {self.event_type} ({self.tenant_id})"


class Policy(TenantModel):
    """A named set of controls (``PUT /api/v1/policies``)."""

    name = models.CharField(max_length=SLUG_NAME_MAX_LENGTH, validators=[validate_slug_name])
    controls = TenantManyToManyField(
        Control, through="PolicyControl", related_name="policies", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "policies"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "name"], name="policies_policy_tenant_name_uniq"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.tenant_id})"


class PolicyControl(TenantLinkModel):
    """Policy <-> control link; takes the policy's tenant."""

    policy, control = link_fields(Policy, Control, related_name="policy_controls")

    class Meta:
        constraints, indexes = link_keys(
            "policy", "control", "policies_policycontrol", "ctl", index="policies_polctl_tenant_ctl"
        )


class ControlBinding(TenantModel):
    """A control bound to a target (``/api/v1/control-bindings``).

    The natural key is ``(target_type, target_id, control)`` within the tenant; both target
    strings are stored verbatim (case and spaces significant). Deleting the control row deletes
    its bindings; a soft-deleted control keeps them (they stop applying).
    """

    tenant_parent = "control"

    control = TenantForeignKey(
        Control, on_delete=models.CASCADE, related_name="bindings", db_constraint=False
    )
    target_type = models.TextField()
    target_id = models.TextField()
    enabled = models.BooleanField(default=True)
    # Both set by the services (one instant on insert; ``updated_at`` only when a value changes).
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "target_type", "target_id", "control"],
                name="policies_binding_natural_key_uniq",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant_id", "control"], name="policies_binding_tenant_ctl"),
        ]

    def __str__(self):
        with self._own_tenant():
            name = self.control.name
        return f"{self.target_type}/{self.target_id} → {name} ({self.tenant_id})"
