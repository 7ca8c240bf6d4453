"""Shared pieces of the render error tests: the hints, details, and ``errors[]`` items of the
reference's template errors, and a helper that edits one thing of the regex template input."""

from tests.policies.templates.payloads import RENDER, regex_input

TEMPLATE_HINT = "Update the template definition and try again."
VALUES_HINT = "Update the template parameter values and try again."
RENDERED_HINT = "Update the template structure or template parameter values and try again."
RENDERED = "Rendered template did not produce a valid control definition"
AGENT_SCOPED = "Agent-scoped evaluators are not supported in control templates"


def edit(change):
    """The regex template input after ``change(template, definition_template, body)``."""
    body = regex_input()
    change(body["template"], body["template"]["definition_template"], body)
    return body


def item(field, code, message, rendered=True, **extra):
    """An ``errors[]`` item at ``field`` (also its ``rendered_field`` unless ``rendered=False``)."""
    item = {"resource": "Control", "field": field, "code": code, "message": message, **extra}
    if rendered:
        item["rendered_field"] = field
    return item


def param(field_name, label, code, message, **extra):
    """An ``errors[]`` item about the value of parameter ``field_name`` (labelled ``label``)."""
    return {
        "resource": "Control",
        "field": f"template_values.{field_name}",
        "code": code,
        "message": message,
        **extra,
        "parameter": field_name,
        "parameter_label": label,
    }


def set_pattern_binding(binding):
    """A change that puts ``binding`` where the regex pattern is bound."""

    def change(template, definition, body):
        definition["condition"]["evaluator"]["config"]["pattern"] = binding

    return change


def bind(path_setter, name, parameter):
    """A change that declares ``parameter`` as ``name`` and binds it where ``path_setter``
    writes."""

    def change(template, definition, body):
        path_setter(definition, {"$param": name})
        template["parameters"][name] = parameter

    return change


def check_render_error(api, case) -> None:
    """POST the edited input of ``case`` (``(change, "P"|"R", detail, hint, errors)``) to the
    render route and compare the error."""
    change, kind, detail, hint, errors = case
    response = api.post(RENDER, edit(change))
    body = response.json()
    code = "TEMPLATE_PARAMETER_INVALID" if kind == "P" else "TEMPLATE_RENDER_ERROR"
    assert (response.status_code, body["error_code"]) == (422, code)
    assert (body["detail"], body["hint"], body["errors"]) == (detail, hint, errors)
    assert body["details"] == {"kind": "Control", "causes": errors}
