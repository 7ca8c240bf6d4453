"""``TenantModelForm``: a model form that checks uniqueness inside the row's tenant and says so in
words.

Django skips a constraint that involves a field missing from the form, and ``tenant_id`` is never
in a tenant form (it is chosen before the add form, and read-only afterwards), so the
tenant-leading unique constraints (``UNIQUE (tenant_id, name)``) would only be met by the database
as an ``IntegrityError``. This form runs each of them itself, with Django's own
``UniqueConstraint.validate`` inside the row's tenant, and reports a violation on the field it is
about: "A control named “block-secret” already exists in tenant “acme”." instead of "Constraint
“policies_control_tenant_name_active_uniq” is violated.".

A field whose input failed keeps only its own errors: the model's ``clean`` would judge the stored
value still on the instance (a corrupted row saved unchanged would list each problem twice).

Use it (or a subclass) as the ``form`` of every tenant admin and inline; ``TenantAdminMixin`` and
``TenantInlineMixin`` do.
"""

from contextlib import nullcontext

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router
from django.utils.text import get_text_list

from ..context import get_current_tenant_id, tenant_context


def _tenant_unique_fields(constraint) -> tuple[str, ...] | None:
    """The fields after ``tenant_id`` of a tenant-leading unique constraint, else ``None``."""
    if isinstance(constraint, models.UniqueConstraint) and constraint.fields[:1] == ("tenant_id",):
        return tuple(constraint.fields[1:])
    return None


def duplicate_message(instance, fields: tuple[str, ...]) -> str:
    """The words for a row that repeats another of its tenant on ``fields``."""
    opts = instance._meta
    noun = opts.verbose_name
    article = "An" if noun[:1].lower() in "aeiou" else "A"
    tenant = instance.tenant_id
    if fields == ("name",):
        return f"{article} {noun} named “{instance.name}” already exists in tenant “{tenant}”."
    labels = get_text_list([str(opts.get_field(name).verbose_name) for name in fields], "and")
    return f"{article} {noun} with this {labels} already exists in tenant “{tenant}”."


class TenantModelForm(forms.ModelForm):
    """A ``ModelForm`` for a tenant model whose uniqueness checks run inside the row's tenant."""

    def _post_clean(self):
        """``ModelForm._post_clean`` (the model's ``full_clean``), keeping only the form's own
        errors for a field whose input already failed: the instance still holds the stored value
        there, and the model's ``clean`` would report that value's problems, not the input's (a
        corrupted row saved unchanged would list each problem twice)."""
        failed = {
            name: len(errors) for name, errors in self.errors.items() if name != NON_FIELD_ERRORS
        }
        super()._post_clean()
        for name, count in failed.items():
            del self._errors[name].data[count:]

    def validate_unique(self):
        super().validate_unique()
        self.validate_tenant_constraints()

    def validate_tenant_constraints(self) -> None:
        """Check the tenant-leading unique constraints; report each violation on its last field
        present in the form (else as a form error)."""
        instance = self.instance
        # Only fields whose input failed are left out: the instance holds every other value
        # (read-only ones included, e.g. ``deleted_at`` in a partial constraint's condition).
        exclude = {name for name in self.errors if name != NON_FIELD_ERRORS}
        using = router.db_for_write(type(instance), instance=instance)
        bound = get_current_tenant_id()
        scope = tenant_context(instance.tenant_id) if bound is None else nullcontext()
        with scope:
            for model, constraints in instance.get_constraints():
                for constraint in constraints:
                    fields = _tenant_unique_fields(constraint)
                    if fields is None or exclude.intersection(fields):
                        continue  # a field already has its own error
                    try:
                        constraint.validate(model, instance, exclude=exclude, using=using)
                    except ValidationError:
                        shown = [name for name in fields if name in self.fields]
                        target = shown[-1] if shown else NON_FIELD_ERRORS
                        self.add_error(
                            None if target == NON_FIELD_ERRORS else target,
                            ValidationError(duplicate_message(instance, fields), code="unique"),
                        )
