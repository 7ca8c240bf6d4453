"""What the apps tell telemetry, each a no-op when ``TELEMETRY_METRICS`` is off: an answered or
failed evaluation, a rate limit check that could not reach Redis, a create refused by a quota."""

from .metrics import get_metrics, metrics_enabled


def evaluation_answered(body: dict, tenant_id: str | None) -> None:
    """``POST /evaluation`` answered ``body`` (an ``EvaluationResponse``) in ``tenant_id``."""
    if metrics_enabled():
        get_metrics().record_evaluation(body, tenant_id)


def evaluation_failed() -> None:
    """``POST /evaluation`` found the agent but could give no verdict (422)."""
    if metrics_enabled():
        get_metrics().evaluation_errors.labels("failed").inc()


def rate_limit_backend_error() -> None:
    """A rate limit check could not reach its Redis."""
    if metrics_enabled():
        get_metrics().rate_limit_backend_errors.inc()


def quota_refused(resource: str) -> None:
    """A create was refused because the tenant reached its quota of ``resource``."""
    if metrics_enabled():
        get_metrics().quota_refusals.labels(resource).inc()
