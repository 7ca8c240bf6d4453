"""The 422 ``CORRUPTED_DATA`` error for a stored control definition that no longer parses.

The reference words it two ways, and so do we:

- the *control* endpoints (``GET /controls/{id}``, ``GET /controls/{id}/data``, ``PATCH``) say
  "Control '<name>' has invalid data", with field paths relative to the definition;
- the *agent* endpoints and evaluation (effective controls, initAgent, ``PATCH /agents``,
  ``POST /evaluation``) say "Control '<name>' has corrupted data", with ``data.``-prefixed paths
  and the control id as ``details.name``.

An unreadable template draft reads the same everywhere. The hint always names the route that fixes
the row.
"""

from typing import TYPE_CHECKING

from controlplane.api.exceptions import APIError, ErrorCode, error_item, format_field_path

if TYPE_CHECKING:
    from .parsing import ParsedControl


def _items(problems, prefix: tuple) -> list[dict]:
    return [
        error_item(
            "Control",
            format_field_path((*prefix, *problem.get("loc", ()))),
            str(problem.get("type", "validation_error")),
            str(problem.get("msg", "Validation failed")),
        )
        for problem in problems
    ]


def describe_problems(problems) -> list[str]:
    """Pydantic's error dicts of a definition as sentences for people (the admin):
    ``"condition.evaluator.name: Field required"``; an unreadable template draft has none."""
    lines = [
        f"{format_field_path(problem.get('loc', ())) or 'definition'}: {problem.get('msg')}"
        for problem in problems or ()
    ]
    return lines or ["Not a readable control definition (an unrendered template draft)."]


def corrupted_control(
    *,
    control_id: int,
    name: str,
    parsed: "ParsedControl",
    control_endpoint: bool = False,
    runtime: bool = False,
) -> APIError:
    """422 ``CORRUPTED_DATA`` for control ``control_id`` called ``name`` whose stored data
    ``parsed`` did not validate.

    ``control_endpoint=True`` gives the control endpoints' wording (module docstring);
    ``runtime=True`` reports the problems of the engine's runtime parse (evaluation) instead of
    the authoring model's.
    """
    hint = f"Update the control data using PUT /api/v1/controls/{control_id}/data."
    if not parsed.rendered:
        item = error_item(
            "Control", "data", "corrupted_data", "Stored unrendered template data is invalid."
        )
        detail = f"Control '{name}' has corrupted unrendered template data"
        return APIError(
            422,
            ErrorCode.CORRUPTED_DATA,
            detail,
            kind="Control",
            name=str(control_id),
            hint=hint,
            errors=[item],
        )
    problems = parsed.runtime_problems if runtime else parsed.problems
    if control_endpoint:
        detail, prefix, resource_name = f"Control '{name}' has invalid data", (), None
    else:
        detail, prefix, resource_name = (
            f"Control '{name}' has corrupted data",
            ("data",),
            control_id,
        )
    return APIError(
        422,
        ErrorCode.CORRUPTED_DATA,
        detail,
        kind="Control",
        name=None if resource_name is None else str(resource_name),
        hint=hint,
        errors=_items(problems or (), prefix),
    )
