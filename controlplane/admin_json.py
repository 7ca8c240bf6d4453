"""JSON in the admin: shown indented, edited in a monospaced text area that says whether the text
is JSON as it is typed (``controlplane/static/controlplane/json_editor.js``, served with the
admin; no CDN), and
checked again on the server (``forms.JSONField``: "Enter a valid JSON."). Shared by the apps'
admins; depends on no app.

What the JSON must *mean* (a control definition, steps, metadata) is checked by the model's or
form's own validators, the same as the API's; this module only deals with JSON as text. Use it in
a ``ModelAdmin`` with ``formfield_overrides = JSON_EDITOR``.
"""

import json

from django import forms
from django.db import models
from django.forms.fields import InvalidJSONInput


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
        lines = str(value or "").count("\n") + 2
        context["widget"]["attrs"]["rows"] = min(max(lines, 6), 30)
        return context


class PrettyJSONField(forms.JSONField):
    """``forms.JSONField`` that shows the value indented by two spaces (keys in stored order)."""

    widget = JSONEditor

    def prepare_value(self, value):
        if isinstance(value, InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)


def pretty_json(value) -> str:
    """``value`` as indented JSON text (read-only displays)."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False)


#: ``ModelAdmin.formfield_overrides`` that edits every JSON field with ``PrettyJSONField``.
JSON_EDITOR = {models.JSONField: {"form_class": PrettyJSONField}}
