"""``TenantModel``: the abstract base of every tenant-owned model.

It contributes the ``tenant_id`` column (``varchar(64)``; Python default: the tenant bound when the
instance is built; database default ``'default-tenant'``, like the reference server's migration, so
a raw insert that omits it lands there), the scoped default
manager ``objects``, the unscoped ``all_tenants``, and ``save()`` / ``delete()`` hooks that apply the
stamping rules of ``tenancy.stamping``.

Subclasses add a tenant-leading index or unique constraint (``UniqueConstraint(fields=["tenant_id",
"name"])``) and, for rows that belong to a parent row (through tables), set ``tenant_parent`` to
the name of that foreign key.
"""

from contextlib import nullcontext
from typing import ClassVar

from django.db import models, router
from django.utils.functional import classproperty

from .conf import DB_DEFAULT_TENANT_ID
from .context import get_current_tenant_id, tenant_context
from .deletion import TenantCollector
from .exceptions import TenantMismatch
from .fields import TenantForeignKey
from .managers import AllTenantsManager, TenantManager
from .stamping import check_existing_rows, refuse_foreign_primary_keys, stamp_new_rows
from .validators import TENANT_ID_MAX_LENGTH, validate_tenant_id_field


class TenantModel(models.Model):
    """Abstract base: a row owned by one tenant.

    ``tenant_parent``: ``None`` (the row takes the bound tenant) or the name of a foreign key whose
    row's tenant this row copies (``AgentPolicy.tenant_parent = "agent"``).
    """

    tenant_id = models.CharField(
        max_length=TENANT_ID_MAX_LENGTH,
        default=get_current_tenant_id,
        db_default=DB_DEFAULT_TENANT_ID,
        validators=[validate_tenant_id_field],
        verbose_name="tenant",
        help_text="The tenant that owns this row. Stamped on creation; never changes.",
    )

    objects = TenantManager()
    all_tenants = AllTenantsManager()

    tenant_parent: ClassVar[str | None] = None

    #: The marker ``tenancy.introspection.is_tenant_model`` reads (a leaf module cannot import
    #: this class).
    _tenancy_tenant_owned: ClassVar[bool] = True

    class Meta:
        abstract = True
        default_manager_name = "objects"

    def save(self, *args, **kwargs):
        """Stamp (new row) or check (loaded row), then ``Model.save``.

        Raises ``NoTenantBound`` / ``TenantMismatch`` (see ``tenancy.stamping``) before writing. A new
        instance with an explicit primary key that already exists in another tenant is refused
        instead of being overwritten.
        """
        if self._state.adding:
            stamp_new_rows(type(self), [self])
            if self.pk is not None:
                refuse_foreign_primary_keys(type(self), [self])
        else:
            check_existing_rows(type(self), [self], kwargs.get("update_fields"))
        with self._own_tenant():
            super().save(*args, **kwargs)
        self._tenancy_loaded_tenant_id = self.tenant_id

    save.alters_data = True

    def delete(self, using=None, keep_parents=False):
        """Delete the row and what cascades from it through ``tenancy.deletion.TenantCollector``
        (every statement names the tenant). Refused with ``TenantMismatch`` for a row of another
        tenant than the bound one; ``ValueError`` for an unsaved row, as Django."""
        bound = get_current_tenant_id()
        if bound is not None and self.tenant_id != bound:
            raise TenantMismatch(
                f"{type(self).__name__} {self.pk!r} belongs to another tenant than the bound "
                f"tenant {bound!r}; it cannot be deleted from here."
            )
        if self.pk is None:
            raise ValueError(
                f"{self._meta.object_name} object can't be deleted because its "
                f"{self._meta.pk.attname} attribute is set to None."
            )
        using = using or router.db_for_write(type(self), instance=self)
        with self._own_tenant():
            collector = TenantCollector(using=using, origin=self)
            collector.collect([self], keep_parents=keep_parents)
            return collector.delete()

    delete.alters_data = True

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        """``Model.refresh_from_db`` that reads the row in its own tenant
        (``WHERE tenant_id = %s AND id = %s``)."""
        if from_queryset is None:
            from_queryset = type(self)._base_manager.filter(tenant_id=self.tenant_id)
        with self._own_tenant():
            return super().refresh_from_db(using, fields, from_queryset)

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        """``UPDATE ... WHERE tenant_id = %s AND id = %s``: a loaded row is updated in its tenant."""
        tenant_id = getattr(self, "_tenancy_loaded_tenant_id", None) or self.tenant_id
        base_qs = base_qs.filter(tenant_id=tenant_id)
        return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)

    def _own_tenant(self):
        """Bind the row's own tenant for its statements when none is bound (system code saving
        or deleting a row it names explicitly), so row-level security checks it as that tenant."""
        if get_current_tenant_id() is None and isinstance(self.tenant_id, str) and self.tenant_id:
            return tenant_context(self.tenant_id)
        return nullcontext()

    def validate_unique(self, exclude=None):
        """``Model.validate_unique`` run inside the row's tenant when none is bound."""
        with self._validation_context():
            super().validate_unique(exclude=exclude)

    def validate_constraints(self, exclude=None):
        """``Model.validate_constraints`` run inside the row's tenant when none is bound."""
        with self._validation_context():
            super().validate_constraints(exclude=exclude)

    def _validation_context(self):
        explicit = self.__dict__.get("tenant_id")
        if get_current_tenant_id() is None and isinstance(explicit, str) and explicit:
            return tenant_context(explicit)
        return nullcontext()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._tenancy_loaded_tenant_id = instance.__dict__.get("tenant_id")
        return instance


class TenantLinkModel(TenantModel):
    """Abstract base of a through row linking two tenant-owned rows (``AgentPolicy``, ...).

    Declare both ends with ``link_fields`` (the owning end first: the link copies its tenant) and
    the keys with ``link_keys``::

        agent, policy = link_fields(Agent, "policies.Policy", related_name="agent_policies")

        class Meta:
            constraints, indexes = link_keys("agent", "policy", "agents_agentpolicy", "pol")
    """

    class Meta:
        abstract = True

    def __str__(self):
        """``"support-bot-01 → baseline (acme)"``: both ends' names (or model and id), the
        tenant."""
        with self._own_tenant():
            ends = [getattr(self, self.tenant_parent), getattr(self, self.link_other)]
        left, right = (
            getattr(row, "name", None) or f"{type(row).__name__} {row.pk}" for row in ends
        )
        return f"{left} → {right} ({self.tenant_id})"

    @classproperty
    def tenant_parent(cls) -> str:
        """The owning end: the first foreign key declared."""
        return cls._link_ends()[0]

    @classproperty
    def link_other(cls) -> str:
        """The other end: the second foreign key declared."""
        return cls._link_ends()[1]

    @classmethod
    def _link_ends(cls) -> tuple[str, ...]:
        ends = cls.__dict__.get("_tenancy_link_ends")
        if ends is None:
            ends = tuple(field.name for field in cls._meta.concrete_fields if field.many_to_one)
            cls._tenancy_link_ends = ends
        return ends


def link_fields(parent, other, *, related_name: str) -> tuple:
    """The two foreign keys of a link model: to ``parent`` (the owning end) and to ``other``,
    both ``on_delete=CASCADE`` with ``related_name``."""
    options = {"on_delete": models.CASCADE, "related_name": related_name, "db_constraint": False}
    return TenantForeignKey(parent, **options), TenantForeignKey(other, **options)


def link_keys(
    parent: str, other: str, prefix: str, short: str, *, index: str | None = None
) -> tuple[list, list]:
    """``(constraints, indexes)`` of a link model: ``UNIQUE (tenant_id, parent, other)`` named
    ``<prefix>_tenant_pair_uniq`` and an index on ``(tenant_id, other)`` (lookups from the other
    end) named ``index`` or ``<prefix>_tenant_<short>`` (index names are at most 30 characters)."""
    fields = ["tenant_id", parent, other]
    constraints = [models.UniqueConstraint(fields=fields, name=f"{prefix}_tenant_pair_uniq")]
    index_name = index or f"{prefix}_tenant_{short}"
    return constraints, [models.Index(fields=["tenant_id", other], name=index_name)]
