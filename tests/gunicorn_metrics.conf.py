"""gunicorn configuration of the multi-process tests: what the project's own configuration adds
for metrics (``telemetry.multiprocess``), nothing else."""

from telemetry.multiprocess import child_exit, prepare_metrics_directory

prepare_metrics_directory()

__all__ = ["child_exit"]
