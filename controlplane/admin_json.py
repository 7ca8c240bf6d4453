"""JSON in the admin: shown indented, edited in a monospaced text area that says whether the text
is JSON as it is typed (``controlplane/static/controlplane/json_editor.js``, served with the
admin; no CDN), and checked again on the server, which says where the text stops being JSON
("Enter valid JSON: Expecting ',' delimiter: line 3 column 5."). An empty value (``None``) is an
empty text area, not ``null``; a ``placeholder`` attribute (an example) is offered as a starting
point when the area is empty. Shared by the apps' admins; depends on no app.

What the JSON must *mean* (a control definition, steps, metadata) is checked by the model's or
form's own validators, the same as the API's; this module only deals with JSON as text. Use it in
a ``ModelAdmin`` with ``formfield_overrides = JSON_EDITOR``.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.fields import InvalidJSONInput
from django.utils.html import format_html


class JSONEditor(forms.Textarea):
    """A text area for JSON: monospaced, as tall as its text (6 to 30 rows), with a live check
    and a "Format" button."""

    def __init__(self, attrs=None):
        defaults = {"class": "vLargeTextField json-editor", "spellcheck": "false"}
        super().__init__({**defaults, **(attrs or {}), "data-json-editor": "1"})

    class Media:
        css = {"all": ("controlplane/json_editor.css",)}
        js = ("controlplane/json_editor.js",)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        shown = value or context["widget"]["attrs"].get("placeholder") or ""
        lines = str(shown).count("\n") + 2
        context["widget"]["attrs"]["rows"] = min(max(lines, 6), 30)
        return context

    def render(self, name, value, attrs=None, renderer=None):
        """The text area in a block of its own, so the status line the script adds goes below it
        (in the admin's flex row it would sit beside it and squeeze it as it grows)."""
        html = super().render(name, value, attrs, renderer)
        return format_html('<div class="json-editor-wrap">{}</div>', html)


class PrettyJSONField(forms.JSONField):
    """``forms.JSONField`` that shows the value indented by two spaces (keys in stored order)."""

    widget = JSONEditor

    def prepare_value(self, value):
        if isinstance(value, InvalidJSONInput):
            return value
        if value is None:
            return ""
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)

    def to_python(self, value):
        """``forms.JSONField.to_python``, whose "Enter a valid JSON." says where and why."""
        try:
            return super().to_python(value)
        except ValidationError as exc:
            if exc.code != "invalid":
                raise
            try:
                json.loads(value, cls=self.decoder)
            except json.JSONDecodeError as error:
                raise ValidationError(
                    f"Enter valid JSON: {error.msg}: line {error.lineno} column {error.colno}.",
                    code="invalid",
                ) from None
            raise


def pretty_json(value) -> str:
    """``value`` as indented JSON text (read-only displays)."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False)


#: ``ModelAdmin.formfield_overrides`` that edits every JSON field with ``PrettyJSONField``.
JSON_EDITOR = {models.JSONField: {"form_class": PrettyJSONField}}
