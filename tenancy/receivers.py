"""Signal receivers of the tenancy app (connected in ``TenancyConfig.ready()``).

- ``connection_created``: PostgreSQL connections send the tenant settings with every statement
  (``tenancy.rls``) when ``TENANCY_ROW_LEVEL_SECURITY`` is on.
- ``post_migrate``: install the database wall (``tenancy.schema.install``) on the migrated
  database, once per ``migrate`` (on the tenancy app's signal, after every app has migrated), when
  no migration is left to apply (a database migrated to an older state keeps its old keys).
- ``pre_save`` with ``raw=True`` (fixtures): a raw row of a tenant model is checked
  (``tenancy.stamping.check_raw_row``), since ``loaddata`` skips ``Model.save()``.
"""

from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_save
from django.dispatch import receiver

from . import rls, schema
from .conf import get_setting
from .introspection import is_tenant_model
from .stamping import check_raw_row


@receiver(connection_created, dispatch_uid="tenancy.send_tenant_settings")
def send_tenant_settings(sender, connection, **kwargs) -> None:
    if get_setting("ROW_LEVEL_SECURITY"):
        rls.install(connection)


@receiver(post_migrate, dispatch_uid="tenancy.install_database_wall")
def install_database_wall(sender, app_config, using="default", **kwargs) -> None:
    if "plan" not in kwargs:
        return  # flush also sends post_migrate; it empties tables and leaves keys as they are
    if app_config.label == "tenancy" and schema.fully_migrated(using):
        schema.install(using)


@receiver(pre_save, dispatch_uid="tenancy.check_raw_rows")
def check_raw_rows(sender, instance, raw=False, **kwargs) -> None:
    if raw and is_tenant_model(sender):
        check_raw_row(sender, instance)
