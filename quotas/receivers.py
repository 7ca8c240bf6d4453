"""Signal receivers of ``quotas``: saving or deleting a tenant's overrides forgets its cached
limits in this process (``quotas.limits``)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .limits import forget_overrides
from .models import TenantLimits


@receiver(post_save, sender=TenantLimits, dispatch_uid="quotas_forget_on_save")
@receiver(post_delete, sender=TenantLimits, dispatch_uid="quotas_forget_on_delete")
def forget_changed_overrides(sender, instance: TenantLimits, **kwargs):
    forget_overrides(instance.tenant_id)
