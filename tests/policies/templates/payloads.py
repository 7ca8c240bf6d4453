"""Template-backed control input for the template tests.

- ``regex_input()``: a deny control on ``input`` whose regex is the required ``regex_re2``
  parameter ``pattern`` ("Pattern") and whose one step name is the optional ``string`` parameter
  ``step_name`` ("Step Name", default ``templated-step``); values ``{"pattern": "hello"}``.
- ``list_input()``: a list-evaluator control whose ``values`` (``string_list``), ``logic``
  (``enum`` any/all) and ``case_sensitive`` (``boolean``) all have defaults; no values key.
- ``draft_input()``: one required ``pattern`` and no values: it cannot render.
"""

import copy

RENDER = "/api/v1/control-templates/render"

REGEX_TEMPLATE = {
    "description": "Regex denial template",
    "parameters": {
        "pattern": {"type": "regex_re2", "label": "Pattern"},
        "step_name": {
            "type": "string",
            "label": "Step Name",
            "required": False,
            "default": "templated-step",
        },
    },
    "definition_template": {
        "description": "Template-backed control",
        "execution": "server",
        "scope": {"step_names": [{"$param": "step_name"}], "stages": ["pre"]},
        "condition": {
            "selector": {"path": "input"},
            "evaluator": {"name": "regex", "config": {"pattern": {"$param": "pattern"}}},
        },
        "action": {"decision": "deny"},
        "tags": ["template"],
    },
}

LIST_TEMPLATE = {
    "description": "Blocked words template",
    "parameters": {
        "values": {"type": "string_list", "label": "Values", "default": ["secret", "blocked"]},
        "logic": {
            "type": "enum",
            "label": "Logic",
            "allowed_values": ["any", "all"],
            "default": "any",
        },
        "case_sensitive": {"type": "boolean", "label": "Case Sensitive", "default": False},
    },
    "definition_template": {
        "execution": "server",
        "scope": {"step_names": ["other-step"], "stages": ["pre"]},
        "condition": {
            "selector": {"path": "input"},
            "evaluator": {
                "name": "list",
                "config": {
                    "values": {"$param": "values"},
                    "logic": {"$param": "logic"},
                    "case_sensitive": {"$param": "case_sensitive"},
                },
            },
        },
        "action": {"decision": "deny"},
    },
}


def regex_template(**changes) -> dict:
    """A deep copy of the regex template; keyword arguments replace top-level keys."""
    return {**copy.deepcopy(REGEX_TEMPLATE), **changes}


def regex_input(values=None, **changes) -> dict:
    """Template input for the regex template (values ``{"pattern": "hello"}`` by default)."""
    return {
        "template": regex_template(**changes),
        "template_values": {"pattern": "hello"} if values is None else values,
    }


def list_input() -> dict:
    """Template input for the list template, every value from its default."""
    return {"template": copy.deepcopy(LIST_TEMPLATE)}


def draft_input() -> dict:
    """Template input that cannot render: required ``pattern``, no values."""
    template = regex_template()
    del template["parameters"]["step_name"]
    template["definition_template"]["scope"]["step_names"] = ["templated-step"]
    return {"template": template, "template_values": {}}


def rendered_regex(pattern="hello", step_name="templated-step", enabled=True) -> dict:
    """What the regex template renders to (``null`` fields omitted)."""
    return {
        "description": "Template-backed control",
        "enabled": enabled,
        "execution": "server",
        "scope": {"step_names": [step_name], "stages": ["pre"]},
        "condition": {
            "selector": {"path": "input"},
            "evaluator": {"name": "regex", "config": {"pattern": pattern}},
        },
        "action": {"decision": "deny"},
        "tags": ["template"],
        "template": {
            "description": "Regex denial template",
            "parameters": {
                "pattern": {"label": "Pattern", "required": True, "type": "regex_re2"},
                "step_name": {
                    "label": "Step Name",
                    "required": False,
                    "type": "string",
                    "default": "templated-step",
                },
            },
            "definition_template": REGEX_TEMPLATE["definition_template"],
        },
        "template_values": {"pattern": pattern, "step_name": step_name},
    }
