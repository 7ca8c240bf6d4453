"""Operators' tools: the admin site (with the tenant overview) and the admin's JSON editor.

- ``site``       ``OperatorsAdminSite``: Django's admin plus ``/admin/tenants/`` (every tenant with
                 its row counts) and ``/admin/tenants/<tenant id>/`` (one tenant's overview).
- ``overview``   what a tenant's page shows, read inside that tenant: counts, recent events and
                 evaluation outcomes over time (``observability.stats``).
- ``chart``      the outcomes chart, drawn on the server as inline SVG (no script, no CDN).
- ``jsonfield``  ``PrettyJSONField`` / ``JSONEditor``: JSON shown indented and checked as it is
                 typed (a leaf module the apps' admins import, like ``agents.names``).
- ``apps``       ``OperatorsConfig``; ``OperatorsAdminConfig`` makes the site the default admin.

An app at the top of the dependency graph: it reads ``tenancy`` and ``observability``; ``agents``
and ``policies`` import only ``controlplane.admin_json``.
"""
