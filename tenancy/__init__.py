"""Tenancy: resolve a tenant per request, stamp it onto rows, scope every query to it.

The package is reusable in any Django project. Its pieces, one idea per module:

- ``validators``  what a tenant id may look like (``validate_tenant_id``).
- ``conf``        the ``TENANCY_*`` settings with their defaults, read at call time.
- ``context``     the ``ContextVar`` holding the current tenant; ``tenant_context()``.
- ``loading``     dotted-path settings: import, cache, forget on ``setting_changed``.
- ``resolvers``   ``TenantResolver`` protocol, ``HeaderTenantResolver``, the settings loader.
- ``principals``  ``Principal``: the authenticated caller (tenant, kind, scopes, credential id).
- ``authentication`` ``Authenticator`` protocol, ``ResolverAuthenticator`` (the default),
                  ``credentials_optional`` for public views.
- ``failures``    the answer to refused requests (``TENANCY_FAILURE_VIEW``).
- ``middleware``  ``TenantMiddleware``: authenticate once per request, bind, always reset.
- ``models``      ``TenantModel``: the ``tenant_id`` column and the stamping hooks of ``save()``.
- ``managers``    ``TenantManager`` (scoped, fail-closed) and ``AllTenantsManager`` (unscoped).
- ``querysets``   their querysets: stamped bulk writes, upserts that stay in the tenant, deletes
                  through ``deletion``, SQL run as the queryset's tenant (or past RLS for
                  ``all_tenants``).
- ``deletion``    ``TenantCollector``: cascades and deletes that name the tenant.
- ``stamping``    the write rules: which tenant a new row gets, which writes are refused.
- ``fields``      ``TenantForeignKey`` / ``TenantManyToManyField``: related managers that run in
                  the parent's tenant.
- ``schema``      the database wall installed after ``migrate``: tenant-leading keys, composite
                  foreign keys, row-level security (PostgreSQL), triggers (SQLite).
- ``rls``         row-level security's tenant setting, sent with every statement;
                  ``bypass_row_security()``, the one named way past it.
- ``receivers``   the signal receivers (connections, ``post_migrate``, raw fixture rows).
- ``compiled``    scoped queries compiled once, run with the bound tenant (hot paths).
- ``admin``       the admin, tenant first: ``TenantAdminMixin`` / ``TenantInlineMixin`` /
                  ``TenantLinkAdmin``, the tenant chooser, ``TenantModelForm``.
- ``inventory``   which tenants own rows and how many; a tenant's rows purged as a unit.
- ``transfer``    a tenant exported to one JSON document and imported back (checked, atomic).
- ``deferred``    the tenant captured when work is scheduled and restored when it runs
                  (``on_commit``, thread pools, any scheduler).
- ``celery_integration`` the tenant in Celery task headers (optional; needs Celery).
- ``management``  ``tenant_command`` (any command inside a tenant), ``tenant`` (list, export,
                  import, purge), ``tenancy_app_role`` (the app's PostgreSQL role),
                  ``tenancy_distribute`` (Citus).
- ``introspection`` ``is_tenant_model`` / ``tenant_foreign_keys`` (a leaf module).
- ``checks``      settings and middleware checks ``tenancy.E001``...; the manager checks itself.
- ``exceptions``  ``InvalidTenantId``, ``CredentialsRefused`` (``AuthenticationFailed``,
                  ``TenantForbidden``), ``NoTenantBound``, ``TenantMismatch``.

Import models, managers and fields from their modules; this package root imports nothing so that it
is safe to import before the app registry is ready.
"""
