"""The errors of template-backed control input, worded as the reference server 8.15 words them.

Two codes, both 422 with ``details.kind = "Control"``:

- ``TEMPLATE_RENDER_ERROR``: the template itself is wrong (structure, ``$param`` bindings, unused
  parameters, a rendered control that does not validate for reasons no parameter explains);
- ``TEMPLATE_PARAMETER_INVALID``: a parameter value is wrong (unknown, missing, wrong type, or it
  rendered into a field that does not validate).

``errors[]`` items may carry ``parameter``, ``parameter_label`` and ``rendered_field`` besides the
usual fields; the envelope leaves out the ones that are ``None``.
"""

from typing import Any

from controlplane.api.exceptions import APIError, ErrorCode, error_item

TEMPLATE_HINT = "Update the template definition and try again."
VALUES_HINT = "Update the template parameter values and try again."
RENDERED_HINT = "Update the template structure or template parameter values and try again."
RENDERED_DETAIL = "Rendered template did not produce a valid control definition"
AGENT_SCOPED_DETAIL = "Agent-scoped evaluators are not supported in control templates"
AGENT_SCOPED_MESSAGE = "Agent-scoped evaluators are not supported in control templates."


def template_item(
    field: str | None,
    code: str,
    message: str,
    *,
    value: Any = None,
    parameter: str | None = None,
    label: str | None = None,
    rendered_field: str | None = None,
) -> dict:
    """One ``errors[]`` item of a template error (resource ``Control``)."""
    return {
        **error_item("Control", field, code, message, value),
        "parameter": parameter,
        "parameter_label": label,
        "rendered_field": rendered_field,
    }


def template_error(items: list[dict], detail: str, hint: str, *, parameter: bool) -> APIError:
    """422 ``TEMPLATE_PARAMETER_INVALID`` (``parameter=True``) or ``TEMPLATE_RENDER_ERROR``."""
    code = ErrorCode.TEMPLATE_PARAMETER_INVALID if parameter else ErrorCode.TEMPLATE_RENDER_ERROR
    return APIError(422, code, detail, kind="Control", hint=hint, errors=items)


def structure_error(detail: str, field: str, code: str, message: str) -> APIError:
    """``TEMPLATE_RENDER_ERROR`` for a structural problem at ``field`` (also its
    ``rendered_field``)."""
    item = template_item(field, code, message, rendered_field=field)
    return template_error([item], detail, TEMPLATE_HINT, parameter=False)


def value_error(name: str, label: str, code: str, message: str, value: Any = None) -> APIError:
    """``TEMPLATE_PARAMETER_INVALID`` for the value of parameter ``name`` (labelled ``label``)."""
    item = template_item(
        f"template_values.{name}", code, message, value=value, parameter=name, label=label
    )
    return template_error(
        [item], f"Invalid value for parameter '{label}'", VALUES_HINT, parameter=True
    )


def mapped_item(name: str, label: str, message: str, rendered_field: str) -> dict:
    """A problem of the rendered control traced back to parameter ``name``."""
    return template_item(
        f"template_values.{name}",
        "template_parameter_invalid",
        f"Invalid value for parameter '{label}': {message}",
        parameter=name,
        label=label,
        rendered_field=rendered_field,
    )
