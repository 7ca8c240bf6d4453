"""The related-object widget of tenant forms: its "+" (add another) opens the add form of the
tenant the form is in (``add/<tenant id>/``), not the tenant chooser."""

from contextlib import suppress

from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.urls import NoReverseMatch, reverse

from ..context import get_current_tenant_id


class TenantRelatedFieldWidgetWrapper(RelatedFieldWidgetWrapper):
    """``RelatedFieldWidgetWrapper`` whose add link names the bound tenant (read when the form is
    rendered, inside the form's tenant)."""

    def get_related_url(self, info, action, *args):
        tenant_id = get_current_tenant_id()
        if action == "add" and tenant_id is not None:
            with suppress(NoReverseMatch):
                return reverse(
                    f"admin:{info[0]}_{info[1]}_add_in_tenant",
                    current_app=self.admin_site.name,
                    args=[tenant_id],
                )
        return super().get_related_url(info, action, *args)
