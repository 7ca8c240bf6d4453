"""What a quota counts: the ``Resource`` vocabulary and, for each, the rows that count (named by
model label, so this app imports none of the apps it counts)."""

from enum import StrEnum

from django.apps import apps


class Resource(StrEnum):
    """A kind of row a tenant keeps a bounded number of."""

    AGENTS = "agents"
    CONTROLS = "controls"
    POLICIES = "policies"
    EVENTS = "events"


#: resource -> (model label, filter of the rows that count)
COUNTED = {
    Resource.AGENTS: ("agents.Agent", {}),
    Resource.CONTROLS: ("policies.Control", {"deleted_at__isnull": True}),  # soft-deleted: free
    Resource.POLICIES: ("policies.Policy", {}),
    Resource.EVENTS: ("observability.ControlExecutionEvent", {}),
}


def counted_rows(resource: Resource):
    """The bound tenant's rows of ``resource`` that count against its quota (a scoped queryset:
    raises ``NoTenantBound`` outside a tenant)."""
    label, filters = COUNTED[resource]
    return apps.get_model(label).objects.filter(**filters)


def quota_field(resource: Resource) -> str:
    """The ``TenantLimits`` field of ``resource``'s override: ``"max_agents"``..."""
    return f"max_{resource.value}"
