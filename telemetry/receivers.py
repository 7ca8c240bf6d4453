"""Signal receivers of ``telemetry``: when a request finishes (its database connection is back in
the pool by then: Django's own ``close_old_connections`` receiver runs first), sample the pool."""

from django.core.signals import request_finished
from django.dispatch import receiver

from .metrics import get_metrics, metrics_enabled
from .pool import sample_pools


@receiver(request_finished, dispatch_uid="telemetry_sample_pools")
def sample_pools_when_a_request_finishes(**kwargs):
    if metrics_enabled():
        sample_pools(get_metrics())
