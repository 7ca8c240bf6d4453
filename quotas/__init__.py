"""Tenants as neighbours: quotas (how many agents, controls, policies and events a tenant may
keep) and rate limits (how many requests per second a tenant may make, per operation class).

- ``conf``: the global defaults (``QUOTAS_*`` settings); ``models.TenantLimits``: one tenant's
  overrides, edited in the admin and with ``manage.py tenantlimits``; ``limits``: the limits in
  force for a tenant (override, else default), cached briefly.
- ``enforcement``: ``quota_check(resource)``, called by the services that create rows, inside
  their transaction; race-safe (a per-tenant lock, then a count).
- ``ratelimiting`` + ``throttling``: the per-tenant, per-class request rate held in Redis (a
  moving window shared by every process and host), applied by a DRF throttle class.
- ``usage``: usage against limits for a tenant (the command, the admin, the tenant overview).

Depends on ``tenancy``, ``controlplane.api`` and ``telemetry``; the apps whose rows it counts
(agents, policies, observability) call it and are named here by model label only.
"""
