"""Django settings of the benchmark's ``ours-rls-off`` configuration: the project's settings with
``TENANCY_ROW_LEVEL_SECURITY = False`` (no policies installed by ``migrate``, no tenant setting sent
with each statement). It serves as the superuser, which row-level security never holds anyway."""

from controlplane.settings import *  # noqa: F403

TENANCY_ROW_LEVEL_SECURITY = False
