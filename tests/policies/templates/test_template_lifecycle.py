"""Template-backed controls after creation: ``PATCH`` (drafts cannot be enabled), the
``GET /controls`` flags and filters, and delete."""

import pytest

from policies.models import Control
from tests.policies.control_helpers import CONTROLS, create, ids, stored
from tests.policies.templates.payloads import draft_input, regex_input

pytestmark = pytest.mark.django_db


def test_patch_toggles_a_rendered_template_and_keeps_its_metadata(api):
    control_id = create(api, "templated", regex_input())
    response = api.patch(f"{CONTROLS}/{control_id}", {"name": "renamed", "enabled": False})
    assert response.json() == {"success": True, "name": "renamed", "enabled": False}
    data = api.get(f"{CONTROLS}/{control_id}").json()["data"]
    assert (data["enabled"], data["template"]["description"], data["template_values"]) == (
        False,
        "Regex denial template",
        {"pattern": "hello", "step_name": "templated-step"},
    )
    assert api.patch(f"{CONTROLS}/{control_id}", {"enabled": True}).json()["enabled"] is True


def test_enabling_a_draft_names_the_new_name_and_saves_nothing(api):
    control_id = create(api, "draft", draft_input())
    response = api.patch(f"{CONTROLS}/{control_id}", {"name": "renamed", "enabled": True})
    body = response.json()
    assert (response.status_code, body["error_code"], body["detail"], body["hint"]) == (
        422,
        "VALIDATION_ERROR",
        "Cannot enable control 'renamed': unrendered template controls must be rendered first",
        f"Provide complete parameter values via PUT /api/v1/controls/{control_id}/data to "
        "render the template before enabling.",
    )
    assert body["details"] == {"kind": "Control", "causes": body["errors"]}
    assert stored(control_id).name == "draft"


def test_renaming_or_disabling_a_draft_answers_disabled(api):
    control_id = create(api, "draft", draft_input())
    assert api.patch(f"{CONTROLS}/{control_id}", {"name": "renamed"}).json() == {
        "success": True,
        "name": "renamed",
        "enabled": False,
    }
    assert api.patch(f"{CONTROLS}/{control_id}", {"enabled": False}).json()["enabled"] is False


def test_list_summaries_flag_templates_and_fall_back_to_the_template_description(api):
    raw = create(api, "raw")
    rendered = create(api, "templated", regex_input())
    draft = create(api, "draft", draft_input())
    summaries = {s["id"]: s for s in api.get(CONTROLS).json()["controls"]}
    flags = {
        cid: (s["template_backed"], s["template_rendered"], s["enabled"])
        for cid, s in summaries.items()
    }
    assert flags == {
        raw: (False, None, True),
        rendered: (True, True, True),
        draft: (True, False, False),
    }
    assert summaries[draft] == {
        "id": draft,
        "name": "draft",
        "cloned_from_control_id": None,
        "description": "Regex denial template",
        "enabled": False,
        "execution": None,
        "action": None,
        "step_types": None,
        "stages": None,
        "tags": [],
        "template_backed": True,
        "template_rendered": False,
        "used_by_agent": None,
        "used_by_agents_count": 0,
        "attachments": None,
    }


def test_template_backed_filter_and_rendered_field_filters(api):
    raw = create(api, "raw")
    rendered = create(api, "templated", regex_input())
    draft = create(api, "draft", draft_input())
    assert ids(api.get(CONTROLS, template_backed="true")) == [draft, rendered]
    assert ids(api.get(CONTROLS, template_backed="false")) == [raw]
    assert ids(api.get(CONTROLS, execution="server")) == [rendered, raw]
    assert ids(api.get(CONTROLS, stage="pre")) == [rendered, raw]
    assert ids(api.get(CONTROLS, enabled="false")) == [draft]
    assert ids(api.get(CONTROLS, enabled="true")) == [rendered, raw]


def test_drafts_and_rendered_templates_delete_like_any_control(api):
    draft = create(api, "draft", draft_input())
    rendered = create(api, "templated", regex_input())
    for control_id in (draft, rendered):
        response = api.delete(f"{CONTROLS}/{control_id}", force="true")
        assert (response.status_code, response.json()["success"]) == (200, True)
    assert Control.all_tenants.filter(deleted_at__isnull=True).count() == 0
