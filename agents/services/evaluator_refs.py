"""Agent-scoped evaluators: name clashes with installed evaluators, and controls that use them.

- Installed evaluators (``regex``, ``list``, ``json``, ``sql`` and whatever else the
  ``agent_control.evaluators`` entry points provide) come from the agent-control evaluator
  registry, so an extra evaluator package is picked up without code changes. An agent may not
  register an evaluator under one of those names (409 ``EVALUATOR_NAME_CONFLICT``).
- Controls reference an agent's own evaluator as ``"<agent_name>:<evaluator>"`` in any leaf of
  their condition tree (``and``/``or``/``not`` included); ``references`` finds them among the
  agent's active controls.
"""

from collections.abc import Iterable

from agent_control_evaluators import list_evaluators

from controlplane.api.exceptions import APIError, ErrorCode, error_item
from policies.definitions.parsing import ParsedControl


def installed_evaluator_names() -> frozenset[str]:
    """Names of the evaluators installed in this process (discovered on first use)."""
    return frozenset(list_evaluators())


def check_no_installed_name_clash(names: Iterable[str]) -> None:
    """Raise 409 ``EVALUATOR_NAME_CONFLICT`` for the first name that an installed evaluator
    already uses (mirrors initAgent's check)."""
    installed = installed_evaluator_names()
    for name in names:
        if name in installed:
            raise APIError(
                409,
                ErrorCode.EVALUATOR_NAME_CONFLICT,
                f"Evaluator name '{name}' conflicts with built-in evaluator.",
                kind="Evaluator",
                name=name,
                hint="Choose a different name that does not conflict with built-in evaluators.",
                errors=[
                    error_item(
                        "Evaluator",
                        "name",
                        "name_conflict",
                        f"Name '{name}' conflicts with a built-in evaluator",
                        name,
                    )
                ],
            )


def references(
    controls: Iterable[tuple[int, str, ParsedControl]], agent_name: str, evaluators: set[str]
) -> dict[str, set[tuple[int, str]]]:
    """``{evaluator: {(control_id, control_name), ...}}`` for the controls among ``controls``
    whose condition uses ``"<agent_name>:<evaluator>"`` for one of ``evaluators``."""
    found: dict[str, set[tuple[int, str]]] = {}
    for control_id, control_name, parsed in controls:
        for reference in parsed.evaluator_names or ():
            owner, sep, local = reference.partition(":")
            if sep and owner == agent_name and local in evaluators:
                found.setdefault(local, set()).add((control_id, control_name))
    return found
