"""Operators' tools: the admin site (with the tenant overview) and the admin's JSON editor.

- ``site``       ``OperatorsAdminSite``: Django's admin plus ``/admin/tenants/`` (every tenant with
                 its row counts) and ``/admin/tenants/<tenant id>/`` (one tenant's overview); its
                 pages not found are the admin's HTML 404, "View site" is ``/api/docs/``.
- ``overview``   what a tenant's page shows, read inside that tenant: counts, recent events and
                 evaluation outcomes over time (``observability.stats``).
- ``chart``      the outcomes chart, drawn on the server as inline SVG (no script, no CDN).
- ``apps``       ``OperatorsConfig``; ``OperatorsAdminConfig`` makes the site the default admin.

An app at the top of the dependency graph: it reads ``tenancy``, ``observability`` and
``quotas``; the apps' admins use ``controlplane.admin_json`` (the JSON editor), not this app.
"""
