"""The Django admin for tenant-owned models: operators see every tenant; the tenant comes first.

- ``mixins``   ``TenantAdminMixin`` (change lists of every tenant, searchable and filterable by
               tenant; add, change, delete and history views run inside the object's tenant),
               ``TenantInlineMixin`` (choices of the bound tenant only), ``TenantLinkAdmin``.
- ``chooser``  the first step of an add: ``add/`` asks for the tenant, ``add/<tenant id>/`` is the
               form of that tenant, whose every related choice (selects, inlines, the "+" links)
               belongs to it.
- ``forms``    ``TenantModelForm``: uniqueness within the tenant, with messages that name the field
               and the tenant instead of the constraint.
- ``widgets``  the related-object widget whose "+" adds in the form's tenant.

The tenancy app registers no ``ModelAdmin`` of its own.
"""

from .forms import TenantModelForm
from .mixins import TenantAdminMixin, TenantInlineMixin, TenantLinkAdmin

__all__ = ["TenantAdminMixin", "TenantInlineMixin", "TenantLinkAdmin", "TenantModelForm"]
