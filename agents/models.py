"""Agent, AgentPolicy and AgentControl.

An agent is identified by its normalised ``name`` within a tenant. Its registration data (the SDK's
``Agent`` object, its steps and its agent-scoped evaluators) is stored in columns and two JSON lists,
so re-registering an agent is a single-row write.

``steps`` items: ``{"type", "name", "description"?, "input_schema"?, "output_schema"?,
"metadata"?}``, unique by ``(type, name)``. ``evaluators`` items: ``{"name", "config_schema",
"description"?}``, unique by ``name``.

``AgentPolicy`` and ``AgentControl`` are through rows stamped with the agent's tenant
(``tenant_parent = "agent"``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual

from tenancy.fields import TenantManyToManyField
from tenancy.models import TenantLinkModel, TenantModel, link_fields, link_keys

from .names import AGENT_NAME_MAX_LENGTH, validate_agent_name
from .registration_data import registration_errors


class Agent(TenantModel):
    """A registered AI agent (``initAgent``)."""

    name = models.CharField(max_length=AGENT_NAME_MAX_LENGTH, validators=[validate_agent_name])
    description = models.TextField(null=True, blank=True)
    version = models.CharField(max_length=255, null=True, blank=True)
    metadata = models.JSONField(null=True, blank=True)
    reported_created_at = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        help_text="agent_created_at as sent by the SDK (not parsed).",
    )
    reported_updated_at = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        help_text="agent_updated_at as sent by the SDK (not parsed).",
    )
    steps = models.JSONField(default=list, blank=True)
    evaluators = models.JSONField(default=list, blank=True)
    policies = TenantManyToManyField(
        "policies.Policy", through="AgentPolicy", related_name="agents", blank=True
    )
    controls = TenantManyToManyField(
        "policies.Control", through="AgentControl", related_name="agents", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "name"], name="agents_agent_tenant_name_uniq"
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("name"), 10),
                name="agents_agent_name_min_length",
            ),
            models.CheckConstraint(
                condition=models.Q(name__regex=r"^[a-z0-9:_-]+$"), name="agents_agent_name_format"
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant_id", "-created_at", "-name"], name="agents_agent_tenant_created"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.tenant_id})"

    def clean(self):
        """The registration must be what initAgent stores
        (``agents.registration_data.registration_errors``)."""
        self.steps = self.steps or []
        self.evaluators = self.evaluators or []
        errors = registration_errors(self)
        if errors:
            raise ValidationError(errors)


class AgentPolicy(TenantLinkModel):
    """Agent <-> policy link; takes the agent's tenant."""

    agent, policy = link_fields(Agent, "policies.Policy", related_name="agent_policies")

    class Meta:
        verbose_name_plural = "agent policies"
        constraints, indexes = link_keys("agent", "policy", "agents_agentpolicy", "pol")


class AgentControl(TenantLinkModel):
    """Agent <-> control direct link; takes the agent's tenant."""

    agent, control = link_fields(Agent, "policies.Control", related_name="agent_controls")

    class Meta:
        constraints, indexes = link_keys("agent", "control", "agents_agentcontrol", "ctl")
