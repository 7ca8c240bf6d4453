"""Stamping: which tenant a new row gets, and which writes are refused.

Every create path (``save()``, ``create()``, ``bulk_create()``, ``get_or_create()``,
``update_or_create()``, related managers, admin forms) ends in ``stamp_new_rows``; every update path
(``save()`` of a loaded row, ``bulk_update()``) ends in ``check_existing_rows``. Both raise before
anything is written.

Rules for a new row:

- A model whose ``tenant_parent`` names a foreign key (through rows such as ``AgentPolicy`` ->
  ``"agent"``) copies the parent row's tenant, also in system context (nothing bound). If a tenant is
  bound and the parent belongs to another one, ``TenantMismatch``.
- Any other model takes the bound tenant; in system context it needs an explicit ``tenant_id``,
  otherwise ``NoTenantBound``.
- An explicit ``tenant_id`` that differs from the owner's is ``TenantMismatch``, never relabelled.
- Every foreign key to another tenant-owned model must point at a row of the same tenant.

Referenced rows are read through the unscoped manager in one query per foreign key and batch, in
the bound tenant's rows first (a second, unscoped query only runs when a reference is missing or
another tenant's, to tell the two apart); rows already loaded on the instance (``obj.agent``
fetched earlier) cost nothing.
"""

from collections.abc import Iterable, Sequence
from itertools import repeat

from django.db.models.expressions import DatabaseDefault

from .context import get_current_tenant_id
from .exceptions import NoTenantBound, TenantMismatch
from .introspection import tenant_foreign_keys
from .validators import validate_tenant_id


def _explicit_tenant_id(obj) -> str | None:
    value = obj.__dict__.get("tenant_id")
    if value is None or value == "" or isinstance(value, DatabaseDefault):
        return None
    return value


def _column(rows: Sequence[dict], attname: str) -> list:
    """``[row.get(attname) for row in rows]`` at C speed."""
    return list(map(dict.get, rows, repeat(attname)))


def _referenced_tenants(field, objs: Sequence, rows: Sequence[dict], cached: bool) -> dict:
    """Map each value of ``field`` on ``objs`` (``rows``: their ``__dict__``) to the tenant of the
    row it references: from instances already loaded on the objects (``cached``: some object has
    a relation cache), else one query."""
    attname, cache_name = field.attname, field.cache_name
    values = set(_column(rows, attname))
    values.discard(None)
    tenants = {}
    if cached:
        for obj in objs:
            instance = obj._state.fields_cache.get(cache_name)
            if instance is not None and not instance._state.adding and instance._state.db:
                tenants[obj.__dict__.get(attname)] = instance.tenant_id
    missing = values.difference(tenants)
    target = field.target_field.attname
    bound = get_current_tenant_id()
    if missing and bound is not None:  # the expected case first, in the bound tenant's rows
        found = field.related_model.all_tenants.filter(
            tenant_id=bound, **{f"{target}__in": missing}
        )
        tenants.update(found.values_list(target, "tenant_id"))
        missing = values.difference(tenants)
    if missing:  # system context, or a reference that is missing or another tenant's
        found = field.related_model.all_tenants.filter(**{f"{target}__in": missing})
        tenants.update(found.values_list(target, "tenant_id"))
    return tenants


def _describe(obj) -> str:
    return f"{type(obj).__name__} {obj.pk!r}" if obj.pk is not None else type(obj).__name__


def _check_references(obj, owner: str, lookups: dict, fields: Sequence) -> None:
    for field in fields:
        value = obj.__dict__.get(field.attname)
        if value is None:
            continue
        referenced = lookups[field.name].get(value)
        if referenced is None:
            raise field.related_model.DoesNotExist(
                f"{_describe(obj)}.{field.name} refers to "
                f"{field.related_model.__name__} {value!r}, which does not exist."
            )
        if referenced != owner:
            raise TenantMismatch(
                f"{_describe(obj)} belongs to tenant {owner!r} but its {field.name} "
                f"{value!r} belongs to another tenant; both ends must share a tenant."
            )


def _refuse_parent(obj, parent_field, owner: str | None, bound: str | None) -> None:
    """Raise for a new row whose parent is missing or belongs to another tenant than ``bound``."""
    name = parent_field.name
    if owner is None:
        raise parent_field.related_model.DoesNotExist(
            f"{_describe(obj)}.{name} refers to {parent_field.related_model.__name__} "
            f"{obj.__dict__.get(parent_field.attname)!r}, which does not exist."
        )
    raise TenantMismatch(
        f"{_describe(obj)} would belong to tenant {owner!r} (its {name}'s) while tenant "
        f"{bound!r} is bound."
    )


def _stamp_bound(objs: Sequence, bound: str) -> None:
    """The common case (no parent, no tenant foreign keys, a tenant bound), in two tight loops."""
    for obj in objs:
        explicit = _explicit_tenant_id(obj)
        if explicit is not None and explicit != bound:
            raise TenantMismatch(
                f"{_describe(obj)} was given tenant_id {explicit!r} but belongs to tenant "
                f"{bound!r}; tenant_id is stamped, not chosen by the caller."
            )
    for obj in objs:
        obj.__dict__["tenant_id"] = bound


def stamp_new_rows(model, objs: Sequence) -> None:
    """Set ``tenant_id`` on unsaved ``objs`` of ``model`` per the module rules.

    Raises ``NoTenantBound``, ``TenantMismatch``, ``InvalidTenantId`` or the parent model's
    ``DoesNotExist`` before any row is changed, so a batch is all or nothing.
    """
    if not objs:
        return
    bound = get_current_tenant_id()
    fields = tenant_foreign_keys(model)
    parent = model.tenant_parent
    if bound is not None and parent is None and not fields:
        _stamp_bound(objs, bound)
        return
    rows = [obj.__dict__ for obj in objs]
    cached = any(obj._state.fields_cache for obj in objs)
    lookups = {field.name: _referenced_tenants(field, objs, rows, cached) for field in fields}
    owners = _owners(model, objs, rows, bound, lookups)
    explicits = _column(rows, "tenant_id")
    if explicits != owners and explicits.count(None) != len(explicits):
        for index, (explicit, owner) in enumerate(zip(explicits, owners, strict=True)):
            if explicit is not None and explicit != owner and _explicit_tenant_id(objs[index]):
                raise TenantMismatch(
                    f"{_describe(objs[index])} was given tenant_id {explicit!r} but belongs to "
                    f"tenant {owner!r}; tenant_id is stamped, not chosen by the caller."
                )
    for field in fields:
        if field.name == model.tenant_parent:
            continue  # the owner was read from this very reference
        referenced = list(map(lookups[field.name].get, _column(rows, field.attname)))
        if referenced != owners:  # a mismatch, or a null reference (checked precisely below)
            for obj, owner in zip(objs, owners, strict=True):
                _check_references(obj, owner, lookups, (field,))
    list(map(dict.__setitem__, rows, repeat("tenant_id"), owners))


def _owners(model, objs: Sequence, rows: Sequence[dict], bound, lookups: dict) -> list[str]:
    """The tenant each new row belongs to (see the module rules); raises for the first row that
    has none or would land in another tenant than the bound one."""
    parent = model.tenant_parent
    if parent is not None:
        field = model._meta.get_field(parent)
        owners = list(map(lookups[parent].get, _column(rows, field.attname)))
        if None in owners or (bound is not None and owners.count(bound) != len(owners)):
            index = next(i for i, o in enumerate(owners) if o is None or o != bound is not None)
            _refuse_parent(objs[index], field, owners[index], bound)
        return owners
    if bound is not None:
        return [bound] * len(rows)
    owners = []
    for obj in objs:
        explicit = _explicit_tenant_id(obj)
        if explicit is None:
            raise NoTenantBound(
                f"Cannot create {model.__name__}: no tenant is bound and no tenant_id was given. "
                "Wrap the code in tenancy.context.tenant_context('<tenant id>')."
            )
        owners.append(validate_tenant_id(explicit))
    return owners


def check_existing_rows(model, objs: Sequence, fields: Iterable[str] | None = None) -> None:
    """Refuse updates of loaded ``objs`` that would cross tenants.

    ``fields`` is the set of field names being written (``None`` = all). Raises ``TenantMismatch``
    when a row belongs to another tenant than the bound one, when ``tenant_id`` changed since the row
    was loaded, or when a written foreign key points at another tenant's row.
    """
    if not objs:
        return
    bound = get_current_tenant_id()
    for obj in objs:
        loaded = getattr(obj, "_tenancy_loaded_tenant_id", None)
        current = obj.__dict__.get("tenant_id")
        if loaded is not None and current is not None and current != loaded:
            raise TenantMismatch(
                f"{_describe(obj)} belongs to tenant {loaded!r}; tenant_id cannot change "
                f"(got {current!r})."
            )
        if bound is not None and obj.tenant_id != bound:
            raise TenantMismatch(
                f"{_describe(obj)} belongs to another tenant than the bound tenant {bound!r}."
            )
    written = None if fields is None else set(fields)
    checked = [
        field
        for field in tenant_foreign_keys(model)
        if written is None or field.name in written or field.attname in written
    ]
    if checked:
        rows = [obj.__dict__ for obj in objs]
        cached = any(obj._state.fields_cache for obj in objs)
        lookups = {field.name: _referenced_tenants(field, objs, rows, cached) for field in checked}
        for obj in objs:
            _check_references(obj, obj.tenant_id, lookups, checked)


def check_raw_row(model, obj) -> None:
    """Checks for a row written raw (``loaddata``: ``save_base(raw=True)`` skips ``save()``): its
    ``tenant_id`` must be a valid tenant id and every tenant foreign key that names an existing row
    must name one of the same tenant. A row named but not yet loaded is left to the database's
    composite key. Raises ``InvalidTenantId`` / ``TenantMismatch``."""
    validate_tenant_id(obj.__dict__.get("tenant_id"))
    fields = tenant_foreign_keys(model)
    if not fields:
        return
    rows = [obj.__dict__]
    lookups = {field.name: _referenced_tenants(field, [obj], rows, False) for field in fields}
    for field in fields:
        value = obj.__dict__.get(field.attname)
        referenced = lookups[field.name].get(value)
        if value is not None and referenced is not None and referenced != obj.tenant_id:
            raise TenantMismatch(
                f"{_describe(obj)} belongs to tenant {obj.tenant_id!r} but its {field.name} "
                f"{value!r} belongs to another tenant; both ends must share a tenant."
            )


def refuse_foreign_primary_keys(model, objs: Sequence) -> None:
    """Refuse new rows whose explicit primary key already names a row of another tenant: the
    database key is ``(tenant_id, id)``, so such a row would not conflict there but would give
    one ``pk`` to two rows. One query, only when some row has an explicit ``pk``. Raises
    ``TenantMismatch``."""
    owners = {obj.pk: obj.tenant_id for obj in objs if obj.pk is not None}
    if not owners:
        return
    existing = model.all_tenants.filter(pk__in=list(owners)).values_list("pk", "tenant_id")
    for pk, tenant_id in existing:
        if owners[pk] != tenant_id:
            raise TenantMismatch(
                f"{model.__name__} {pk!r} exists in another tenant; it cannot be overwritten "
                "or duplicated from here."
            )
