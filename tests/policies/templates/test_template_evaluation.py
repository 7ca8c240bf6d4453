"""Template-backed controls at runtime: rendered ones evaluate like raw controls (through a
policy or directly), follow PATCH and data updates, and mix with raw controls; drafts are never
evaluated and initAgent returns only active controls."""

import pytest

from policies.models import Control
from tests.agents.agent_helpers import INIT, init_body
from tests.definitions import control_data, leaf
from tests.evaluation.evaluation_helpers import evaluate
from tests.policies.control_helpers import CONTROLS, create
from tests.policies.templates.payloads import draft_input, list_input, regex_input

pytestmark = pytest.mark.django_db

AGENT = "template-agent-01"


@pytest.fixture
def agent(api):
    assert api.post(INIT, init_body(AGENT)).status_code == 200
    return AGENT


def via_policy(api, agent, *control_ids, name="templated-policy"):
    policy_id = api.put("/api/v1/policies", {"name": name}).json()["policy_id"]
    for control_id in control_ids:
        assert api.post(f"/api/v1/policies/{policy_id}/controls/{control_id}").status_code == 200
    assert api.post(f"/api/v1/agents/{agent}/policies/{policy_id}").status_code == 200


def directly(api, agent, control_id):
    assert api.post(f"/api/v1/agents/{agent}/controls/{control_id}").status_code == 200


def check(api, step_name, text="hello"):
    step = {"type": "llm", "name": step_name, "input": text}
    response = evaluate(api, step, agent=AGENT)
    assert response.status_code == 200, response.json()
    body = response.json()
    return body["is_safe"], [(m["control_name"], m["action"]) for m in body["matches"] or ()]


def test_a_rendered_template_evaluates_in_its_scope_only(api, agent):
    via_policy(api, agent, create(api, "templated", regex_input()))
    assert check(api, "other-step") == (True, [])
    assert check(api, "templated-step") == (False, [("templated", "deny")])


def test_disabling_renaming_and_updating_are_followed(api, agent):
    control_id = create(api, "templated", regex_input())
    directly(api, agent, control_id)
    api.patch(f"{CONTROLS}/{control_id}", {"enabled": False})
    assert check(api, "templated-step") == (True, [])
    api.patch(f"{CONTROLS}/{control_id}", {"enabled": True, "name": "renamed"})
    assert check(api, "templated-step") == (False, [("renamed", "deny")])
    moved = regex_input({"pattern": "hello", "step_name": "updated-step"})
    assert api.put(f"{CONTROLS}/{control_id}/data", {"data": moved}).status_code == 200
    assert check(api, "templated-step") == (True, [])
    assert check(api, "updated-step") == (False, [("renamed", "deny")])


def test_switching_to_another_template_changes_what_matches(api, agent):
    control_id = create(api, "templated", regex_input())
    directly(api, agent, control_id)
    api.put(f"{CONTROLS}/{control_id}/data", {"data": list_input()})
    assert check(api, "templated-step") == (True, [])
    assert check(api, "other-step", "secret") == (False, [("templated", "deny")])


def test_an_observe_template_is_safe_with_a_match(api, agent):
    data = regex_input()
    data["template"]["definition_template"]["action"] = {"decision": "observe"}
    directly(api, agent, create(api, "watch", data))
    assert check(api, "templated-step") == (True, [("watch", "observe")])


def test_falsey_values_are_kept_and_used(api, agent):
    data = list_input()
    data["template"]["parameters"]["values"] = {
        "type": "string_list",
        "label": "Values",
        "required": False,
        "default": ["HELLO"],
    }
    data["template"]["parameters"]["case_sensitive"] = {
        "type": "boolean",
        "label": "Case Sensitive",
        "required": False,
        "default": True,
    }
    del data["template"]["parameters"]["logic"]
    config = data["template"]["definition_template"]["condition"]["evaluator"]["config"]
    config.update(logic="any", match_mode="exact")
    data["template_values"] = {"values": [], "case_sensitive": False}
    control_id = create(api, "words", data)
    assert Control.all_tenants.get(pk=control_id).data["template_values"] == {
        "values": [],
        "case_sensitive": False,
    }
    directly(api, agent, control_id)
    assert check(api, "other-step") == (True, [])
    data["template_values"] = {"values": ["HELLO"], "case_sensitive": False}
    api.put(f"{CONTROLS}/{control_id}/data", {"data": data})
    assert check(api, "other-step") == (False, [("words", "deny")])


def test_deny_wins_over_observe_across_template_and_raw(api, agent):
    raw = control_data(leaf("regex", {"pattern": "hello"}), decision="observe")
    raw["scope"] = {"step_names": ["templated-step"]}
    via_policy(api, agent, create(api, "templated", regex_input()), create(api, "watch", raw))
    safe, matches = check(api, "templated-step")
    assert (safe, sorted(matches)) == (False, [("templated", "deny"), ("watch", "observe")])


def test_a_draft_is_never_evaluated_even_when_its_row_is_corrupted(api, agent):
    control_id = create(api, "draft", draft_input())
    directly(api, agent, control_id)
    assert check(api, "templated-step") == (True, [])
    Control.all_tenants.filter(pk=control_id).update(data={"template": {"description": "bad"}})
    assert check(api, "templated-step") == (True, [])


def test_init_agent_returns_only_active_controls(api, agent):
    active = create(api, "active")
    disabled = create(api, "disabled", control_data(leaf(), enabled=False))
    via_policy(api, agent, active)
    directly(api, agent, disabled)
    directly(api, agent, create(api, "draft", draft_input()))
    response = api.post(INIT, init_body(AGENT))
    assert [c["id"] for c in response.json()["controls"]] == [active]


def test_a_corrupted_draft_fails_the_agent_controls_list(api, agent):
    control_id = create(api, "draft", draft_input())
    directly(api, agent, control_id)
    Control.all_tenants.filter(pk=control_id).update(data={"template": {"description": "bad"}})
    response = api.get(f"/api/v1/agents/{AGENT}/controls", rendered_state="rendered")
    body = response.json()
    assert (response.status_code, body["error_code"], body["detail"]) == (
        422,
        "CORRUPTED_DATA",
        "Control 'draft' has corrupted unrendered template data",
    )
    assert body["errors"] == [
        {
            "resource": "Control",
            "field": "data",
            "code": "corrupted_data",
            "message": "Stored unrendered template data is invalid.",
        }
    ]
