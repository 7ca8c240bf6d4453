"""A tenant as a unit: every row of it exported to one JSON document, and imported back.

The document::

    {"format": "tenancy.tenant-export", "version": 1, "tenant_id": "acme",
     "counts": {"agents.agent": 2, ...},
     "rows": [{"model": "agents.agent", "pk": 7, "fields": {"tenant_id": "acme", ...}}, ...]}

``rows`` are Django's serializer objects (the ``python`` serializer, JSON-encoded), parents before
the rows that reference them, so the file is readable and each row is what ``dumpdata`` would
write. Every tenant model (``tenancy.schema.tenant_models()``) is included: agents, controls and
their versions, policies, bindings, events and every link row; except a model that sets
``tenant_transfer = False`` (credentials: copying a key's digest into another tenant would make
one secret open two tenants), whose rows are neither exported nor accepted on import (``purge``
still deletes them).

Import checks the whole document before writing anything: the format, every tenant id (the
document's, ``--as``, each row's ``tenant_id``, which must all agree), that every model is a tenant
model, that every field is one of the model's, that every tenant foreign key names a row of the
document (a row's parent is of the same tenant), and each row's values as the admin checks them
(the model's ``full_clean``: field validators and the model's ``clean``, e.g. an agent's steps as
initAgent takes them, a control's definition parsed with the library's models). It refuses a
target tenant that already owns rows of the exported models (its keys and other
``tenant_transfer = False`` rows may exist: an operator can prepare them first). Rows get new
primary keys (foreign keys are remapped), keep their other values (timestamps included) and are
written in one transaction inside the target tenant, so stamping checks and row-level security
apply; any failure writes nothing. Ids inside JSON payloads (an event's ``control_id``, a
version's snapshot) are history and are kept as exported.
"""

import re
from collections import defaultdict

from django.apps import apps
from django.core import serializers
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction

from .context import tenant_context
from .exceptions import InvalidTenantId, TenancyError
from .introspection import is_tenant_model, tenant_foreign_keys
from .inventory import in_registry_order, models_parents_first, tenant_row_counts
from .validators import validate_tenant_id

FORMAT = "tenancy.tenant-export"
VERSION = 1


class TenantImportError(TenancyError):
    """The document cannot be imported; the message says why and names the row. Nothing was
    written."""


def transferable(model) -> bool:
    """Whether ``model``'s rows travel in exports (``tenant_transfer = False`` opts out)."""
    return getattr(model, "tenant_transfer", True) is not False


def tenant_export(tenant_id: str) -> dict:
    """The export document of ``tenant_id`` (module docstring); read inside the tenant. Raises
    ``InvalidTenantId``."""
    validate_tenant_id(tenant_id)
    rows, counts = [], {}
    with tenant_context(tenant_id):
        for model in filter(transferable, models_parents_first()):
            objects = serializers.serialize("python", model.objects.order_by("pk"))
            if objects:
                counts[model._meta.label_lower] = len(objects)
                rows.extend(objects)
    return {
        "format": FORMAT,
        "version": VERSION,
        "tenant_id": tenant_id,
        "counts": in_registry_order(counts),
        "rows": rows,
    }


def _describe(index: int, row: dict) -> str:
    return f"rows[{index}] ({row.get('model')} pk {row.get('pk')!r})"


def _check_header(document) -> str:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TenantImportError(f"Not a tenant export: expected an object with format {FORMAT!r}.")
    if document.get("version") != VERSION:
        raise TenantImportError(
            f"Unsupported export version {document.get('version')!r}; this server reads "
            f"version {VERSION}."
        )
    if not isinstance(document.get("rows"), list):
        raise TenantImportError("The export has no 'rows' list.")
    try:
        return validate_tenant_id(document.get("tenant_id"))
    except InvalidTenantId as exc:
        raise TenantImportError(f"The export's tenant_id is invalid: {exc}") from exc


def _serialized_fields(model) -> set[str]:
    """The names a serialized row of ``model`` may carry in ``fields`` (what ``dumpdata`` writes)."""
    fields = {field.name for field in model._meta.concrete_fields if field.serialize}
    return fields | {
        field.name
        for field in model._meta.many_to_many
        if field.serialize and field.remote_field.through._meta.auto_created
    }


def _check_fields(index: int, row: dict, model) -> None:
    unknown = sorted(set(row["fields"]) - _serialized_fields(model))
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        noun = "field" if len(unknown) == 1 else "fields"
        raise TenantImportError(
            f"{_describe(index, row)}: unknown {noun} {names} ({model._meta.label_lower} has no "
            f"such {noun})."
        )


def _check_rows(document: dict, source: str) -> dict:
    """``{model: [(index, row), ...]}``; raises ``TenantImportError`` for a row that is not a tenant
    model's, has a field its model does not have, belongs to another tenant, or references a row
    outside the document."""
    by_model, pks = defaultdict(list), defaultdict(set)
    for index, row in enumerate(document["rows"]):
        if not isinstance(row, dict) or not isinstance(row.get("fields"), dict):
            raise TenantImportError(f"rows[{index}] is not a serialized row.")
        try:
            model = apps.get_model(str(row.get("model")))
        except (LookupError, ValueError):
            model = None
        if model is None or not is_tenant_model(model):
            raise TenantImportError(f"{_describe(index, row)}: not a tenant model.")
        if not transferable(model):
            raise TenantImportError(f"{_describe(index, row)}: its rows are never imported.")
        _check_fields(index, row, model)
        if row["fields"].get("tenant_id") != source:
            raise TenantImportError(
                f"{_describe(index, row)} belongs to tenant {row['fields'].get('tenant_id')!r}, "
                f"not {source!r}: an export holds one tenant."
            )
        by_model[model].append((index, row))
        pks[model].add(row.get("pk"))
    for model, rows in by_model.items():
        for field in tenant_foreign_keys(model):
            for index, row in rows:
                value = row["fields"].get(field.name)
                if value is not None and value not in pks[field.related_model]:
                    raise TenantImportError(
                        f"{_describe(index, row)}: its {field.name} {value!r} is not a "
                        f"{field.related_model._meta.label_lower} row of the export (its parent must "
                        "be a row of the same tenant)."
                    )
    return by_model


def _problems(exc: ValidationError) -> str:
    """``full_clean``'s errors as one line, each after its field unless it names it already:
    ``"name: ...; steps: ..."``."""
    return "; ".join(
        message
        if field == NON_FIELD_ERRORS or re.match(rf"{re.escape(field)}\b", message)
        else f"{field}: {message}"
        for field, messages in exc.message_dict.items()
        for message in messages
    )


def _prepare(model, rows) -> list:
    """``[(index, row, unsaved instance)]``: each row deserialized and checked as the admin checks
    a form's row (``full_clean``: field validators, the model's ``clean``); tenant foreign keys
    were checked against the document, uniqueness is the database's at insert. Raises
    ``TenantImportError`` naming the row."""
    excluded = [field.name for field in tenant_foreign_keys(model)]
    prepared = []
    for index, row in rows:
        try:
            (deserialized,) = serializers.deserialize("python", [row])
        except DeserializationError as exc:
            raise TenantImportError(f"{_describe(index, row)}: {exc}") from exc
        obj = deserialized.object
        try:
            obj.full_clean(exclude=excluded, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise TenantImportError(
                f"{_describe(index, row)} is not valid: {_problems(exc)}"
            ) from exc
        prepared.append((index, row, obj))
    return prepared


def _refuse_occupied(target: str) -> None:
    existing = {
        label: count
        for label, count in tenant_row_counts(target).get(target, {}).items()
        if transferable(apps.get_model(label))
    }
    if existing:
        summary = ", ".join(f"{label} {count}" for label, count in existing.items())
        raise TenantImportError(
            f"Tenant {target!r} already has rows ({summary}). Import into a tenant without rows: "
            f"choose another one with --as <tenant id>, or delete its rows first with "
            f"`tenant purge {target} --yes`."
        )


def _insert(model, prepared, target: str, new_pks: dict) -> int:
    """Insert the ``prepared`` rows of ``model`` with new primary keys; self references are set
    afterwards."""
    later = []
    for _, _, obj in prepared:
        obj.tenant_id = target
        for field in tenant_foreign_keys(model):
            old = getattr(obj, field.attname)
            if old is None:
                continue
            if field.related_model is model and old not in new_pks[model]:
                later.append((obj, field, old))
                setattr(obj, field.attname, None)
            else:
                setattr(obj, field.attname, new_pks[field.related_model][old])
        old_pk, obj.pk = obj.pk, None
        obj._state.adding = True
        obj.save_base(raw=True, force_insert=True)
        new_pks[model][old_pk] = obj.pk
    for obj, field, old in later:
        model.objects.filter(pk=obj.pk).update(**{field.attname: new_pks[model][old]})
    return len(prepared)


def tenant_import(document, *, as_tenant: str | None = None) -> tuple[str, dict[str, int]]:
    """Import an export document (module docstring) as its own tenant or ``as_tenant``; returns
    ``(tenant id, {model label: rows written})``. Raises ``TenantImportError`` (nothing
    written)."""
    source = _check_header(document)
    try:
        target = validate_tenant_id(as_tenant) if as_tenant is not None else source
    except InvalidTenantId as exc:
        raise TenantImportError(f"--as: {exc}") from exc
    by_model = _check_rows(document, source)
    with tenant_context(target):
        prepared = {model: _prepare(model, rows) for model, rows in by_model.items()}
    _refuse_occupied(target)
    written: dict[str, int] = {}
    new_pks: dict = defaultdict(dict)
    try:
        with transaction.atomic(), tenant_context(target):
            for model in [m for m in models_parents_first() if m in by_model]:
                written[model._meta.label_lower] = _insert(model, prepared[model], target, new_pks)
    except (DatabaseError, TenancyError, ValueError) as exc:
        if isinstance(exc, TenantImportError):
            raise
        raise TenantImportError(f"Import refused, nothing written: {exc}") from exc
    return target, in_registry_order(written)
