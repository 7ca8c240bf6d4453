"""The admin validates like the API, in words that name the field; JSON is shown indented."""

import html
import json
import re

import pytest

from agents.models import Agent
from policies.admin import EXAMPLE_DEFINITION
from policies.models import Control, ControlVersion
from policies.services.controls import control_data_prepare
from tenancy.context import tenant_context
from tests.admin.admin_helpers import agent_form, form_errors
from tests.factories import REGEX_DENY, make_agent, make_control, soft_delete

pytestmark = pytest.mark.django_db

CONTROL_ADD = "/admin/policies/control/add/acme/"


def control_form(name="block-secret", data='{"execution": "server"}') -> dict:
    return {"name": name, "data": data}


def test_a_duplicate_agent_name_names_the_field_and_the_tenant(operator):
    make_agent("acme", "admin-added-agent")
    response = operator.post("/admin/agents/agent/add/acme/", agent_form("admin-added-agent"))
    assert response.status_code == 200
    assert form_errors(response) == {
        "name": ["An agent named “admin-added-agent” already exists in tenant “acme”."]
    }
    assert Agent.all_tenants.count() == 1


def test_the_same_name_in_another_tenant_is_allowed(operator):
    make_agent("acme", "admin-added-agent")
    response = operator.post("/admin/agents/agent/add/globex/", agent_form("admin-added-agent"))
    assert response.status_code == 302
    assert sorted(Agent.all_tenants.values_list("tenant_id", flat=True)) == ["acme", "globex"]


def test_renaming_to_a_taken_name_is_a_field_error_not_a_500(operator):
    make_agent("acme", "support-bot-01")
    other = make_agent("acme", "support-bot-02")
    response = operator.post(
        f"/admin/agents/agent/{other.pk}/change/", agent_form("support-bot-01")
    )
    assert response.status_code == 200
    assert form_errors(response) == {
        "name": ["An agent named “support-bot-01” already exists in tenant “acme”."]
    }


def test_a_duplicate_control_name_names_the_field_not_the_constraint(operator):
    make_control("acme", "block-secret")
    response = operator.post(CONTROL_ADD, control_form(data=json.dumps(REGEX_DENY)))
    assert form_errors(response) == {
        "name": ["A control named “block-secret” already exists in tenant “acme”."]
    }


def test_a_soft_deleted_controls_name_can_be_reused(operator):
    soft_delete(make_control("acme", "block-secret"))
    response = operator.post(CONTROL_ADD, control_form(data=json.dumps(REGEX_DENY)))
    assert response.status_code == 302
    assert Control.all_tenants.filter(deleted_at__isnull=True).count() == 1


def test_an_invalid_control_lists_each_problem_on_the_data_field(operator):
    response = operator.post(CONTROL_ADD, control_form())
    assert response.status_code == 200
    assert form_errors(response) == {
        "data": ["condition: Field required", "action: Field required"]
    }
    assert Control.all_tenants.count() == 0


def test_data_that_is_not_an_object_lists_problems_without_validator_labels(operator):
    response = operator.post(CONTROL_ADD, control_form(data='"x"'))
    assert response.status_code == 200
    # The API names these fields "function-after[validate_template_pairing(), ...].condition".
    assert form_errors(response) == {
        "data": [
            "condition: Field required",
            "execution: Field required",
            "action: Field required",
            "TemplateControlInput.template: Field required",
        ]
    }
    assert Control.all_tenants.count() == 0


def test_an_unknown_agent_scoped_evaluator_is_refused_as_the_api_refuses_it(operator):
    data = {
        **REGEX_DENY,
        "condition": {
            "selector": {"path": "input"},
            "evaluator": {"name": "support-bot-01:missing", "config": {}},
        },
    }
    response = operator.post(CONTROL_ADD, control_form(data=json.dumps(data)))
    assert response.status_code == 200
    assert list(form_errors(response)) == ["data"]
    assert Control.all_tenants.count() == 0


def test_a_valid_control_is_stored_as_the_api_stores_it_with_a_version(operator):
    response = operator.post(CONTROL_ADD, control_form(data=json.dumps(REGEX_DENY)))
    assert response.status_code == 302
    control = Control.all_tenants.get()
    assert (control.tenant_id, control.data) == ("acme", REGEX_DENY)
    assert list(ControlVersion.all_tenants.values_list("version_num", "event_type", "note")) == [
        (1, "created", "Created in the admin")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"execution": ', "Enter valid JSON: Expecting value: line 1 column 15."),
        (
            '{\n  "execution": "server"\n  "enabled": true\n}',
            "Enter valid JSON: Expecting ',' delimiter: line 3 column 3.",
        ),
        (
            "{'a': 1}",
            "Enter valid JSON: Expecting property name enclosed in double quotes: line 1 column 2.",
        ),
    ],
)
def test_invalid_json_text_is_a_field_error_that_says_where(operator, text, message):
    response = operator.post(CONTROL_ADD, control_form(data=text))
    assert form_errors(response) == {"data": [message]}
    assert Control.all_tenants.count() == 0


def test_a_new_controls_data_starts_empty_with_a_valid_example(operator):
    page = operator.get(CONTROL_ADD).content.decode()
    textarea = re.search(
        r'<div class="json-editor-wrap"><textarea ([^>]*)>([^<]*)</textarea></div>', page
    )
    attrs, text = textarea.groups()
    assert text == "\n"  # Django's textarea template starts with a newline; no "null"
    placeholder = html.unescape(re.search(r'placeholder="([^"]*)"', attrs)[1])
    assert json.loads(placeholder) == EXAMPLE_DEFINITION
    assert 'rows="28"' in attrs  # as tall as the example
    with tenant_context("acme"):
        assert control_data_prepare(EXAMPLE_DEFINITION) == EXAMPLE_DEFINITION
    assert form_errors(operator.post(CONTROL_ADD, control_form(data=""))) == {
        "data": ["This field is required."]
    }
    response = operator.post(CONTROL_ADD, control_form(data=placeholder))
    assert response.status_code == 302
    assert Control.all_tenants.get().data == EXAMPLE_DEFINITION


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ("[1, 2]", "Input should be a valid dictionary (initAgent's agent.agent_metadata)."),
        ('"text"', "Input should be a valid dictionary (initAgent's agent.agent_metadata)."),
    ],
)
def test_agent_metadata_must_be_an_object_as_init_agent_requires(operator, metadata, message):
    response = operator.post(
        "/admin/agents/agent/add/acme/", agent_form("admin-added-agent", metadata=metadata)
    )
    assert form_errors(response) == {"metadata": [message]}
    assert Agent.all_tenants.count() == 0


def test_agent_metadata_saved_in_the_admin_reads_back_through_the_api(operator, api):
    response = operator.post(
        "/admin/agents/agent/add/acme/",
        agent_form("admin-added-agent", metadata='{"team": "support"}'),
    )
    assert response.status_code == 302
    answer = api.get("/api/v1/agents/admin-added-agent", tenant="acme")
    assert answer.status_code == 200
    assert answer.json()["agent"]["agent_metadata"] == {"team": "support"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("steps", '{"a": 1}'),
        ("steps", "[1]"),
        ("steps", "[null]"),
        ("steps", '"x"'),
        ("steps", '[{"type": "tool"}]'),
        ("evaluators", '"x"'),
        ("evaluators", "[1]"),
    ],
)
def test_malformed_steps_or_evaluators_are_form_errors_not_500(operator, field, value):
    response = operator.post(
        "/admin/agents/agent/add/acme/", agent_form("admin-added-agent", **{field: value})
    )
    assert response.status_code == 200
    assert list(form_errors(response)) == [field]
    assert Agent.all_tenants.count() == 0


def test_json_fields_are_shown_indented_in_a_json_editor(operator):
    agent = make_agent("acme", metadata={"team": "support", "tier": 1})
    page = operator.get(f"/admin/agents/agent/{agent.pk}/change/").content.decode()
    assert (
        "{\n  &quot;team&quot;: &quot;support&quot;,\n  &quot;tier&quot;: 1\n}</textarea>" in page
    )
    assert 'data-json-editor="1"' in page
    assert "/static/controlplane/json_editor.js" in page


def test_an_empty_json_value_is_an_empty_editor_not_null(operator):
    agent = make_agent("acme", metadata=None)
    page = operator.get(f"/admin/agents/agent/{agent.pk}/change/").content.decode()
    assert re.search(r'name="metadata"[^>]*>\n</textarea>', page)
    response = operator.post(
        f"/admin/agents/agent/{agent.pk}/change/", agent_form(agent.name, metadata="")
    )
    assert response.status_code == 302
    assert Agent.all_tenants.get().metadata is None


def corrupt(model, obj, **values):
    """Store ``values`` on ``obj`` past every check (as an old import or raw SQL could)."""
    model.all_tenants.filter(pk=obj.pk).update(**values)


def test_saving_a_corrupted_control_unchanged_lists_each_problem_once(operator):
    control = make_control("acme", "block-secret")
    corrupt(Control, control, data={"execution": "server"})
    response = operator.post(
        f"/admin/policies/control/{control.pk}/change/",
        control_form(data='{"execution": "server"}'),
    )
    assert form_errors(response) == {
        "data": ["condition: Field required", "action: Field required"]
    }


def test_invalid_json_over_a_corrupted_control_reports_the_input_not_the_stored_value(operator):
    control = make_control("acme", "block-secret")
    corrupt(Control, control, data={"execution": "server"})
    response = operator.post(
        f"/admin/policies/control/{control.pk}/change/", control_form(data='{"execution": ')
    )
    assert form_errors(response) == {
        "data": ["Enter valid JSON: Expecting value: line 1 column 15."]
    }


def test_invalid_json_over_corrupted_steps_reports_the_input_only(operator):
    agent = make_agent("acme", "support-bot-01")
    corrupt(Agent, agent, steps="notalist")
    response = operator.post(
        f"/admin/agents/agent/{agent.pk}/change/", agent_form("support-bot-01", steps="[1,")
    )
    assert form_errors(response) == {
        "steps": ["Enter valid JSON: Expecting value: line 1 column 4."]
    }
