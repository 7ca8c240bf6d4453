"""Form data and page readers for the admin tests."""

import re

AGENT_ADD = "/admin/agents/agent/add/"


def agent_form(name, policy_ids=(), control_ids=(), **fields) -> dict:
    """The POST data of the agent add/change form (inline rows for ``policy_ids`` and
    ``control_ids``); ``fields`` replace or add form fields (``tenant_id="acme"`` for a POST to
    ``add/``)."""
    data = {
        "name": name,
        "description": "",
        "version": "",
        "metadata": "null",
        "steps": '[{"type": "tool", "name": "search"}]',
        "evaluators": "[]",
        "agent_policies-TOTAL_FORMS": str(len(policy_ids)),
        "agent_policies-INITIAL_FORMS": "0",
        "agent_controls-TOTAL_FORMS": str(len(control_ids)),
        "agent_controls-INITIAL_FORMS": "0",
    }
    for i, pk in enumerate(policy_ids):
        data[f"agent_policies-{i}-policy"] = str(pk)
    for i, pk in enumerate(control_ids):
        data[f"agent_controls-{i}-control"] = str(pk)
    data.update(fields)
    return data


def select_options(response, name: str) -> list[str]:
    """Labels offered by the rendered ``<select name=...>`` (an inline's empty form:
    ``agent_policies-__prefix__-policy``)."""
    html = response.content.decode()
    start = html.index(f'name="{name}"')
    select = html[start : html.index("</select>", start)]
    return re.findall(r'<option value="\d+">([^<]+)</option>', select)


def form_errors(response) -> dict:
    return {
        field: list(errors) for field, errors in response.context["adminform"].form.errors.items()
    }
