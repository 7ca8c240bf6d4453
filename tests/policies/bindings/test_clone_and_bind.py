"""``POST /controls/{id}/clone-and-bind``: one transaction that copies a control, records the
clone's first version and binds the clone to a target; names are generated when omitted."""

import pytest

from policies.models import Control, ControlVersion
from tests.factories import make_control
from tests.policies.bindings.binding_helpers import BINDINGS, rows
from tests.policies.control_helpers import CONTROLS, create, ids, stored, versions
from tests.policies.templates.payloads import draft_input
from tests.reference_errors import error, problem

pytestmark = pytest.mark.django_db

TARGET = {"target_type": "log_stream", "target_id": "logstream-123"}


def clone(api, control_id, **body):
    return api.post(f"{CONTROLS}/{control_id}/clone-and-bind", {"target_binding": TARGET, **body})


def test_clone_copies_the_data_and_binds_the_clone(api):
    source = create(api, "source")
    api.patch(f"{CONTROLS}/{source}", {"enabled": False})
    body = api.post(
        f"{CONTROLS}/{source}/clone-and-bind", {"target_binding": {**TARGET, "enabled": False}}
    ).json()
    clone_id = body["id"]
    assert clone_id != source
    assert body["name"].startswith("source-clone-")
    assert len(body["name"]) == len("source-clone-") + 16
    assert (body["cloned_from_control_id"], stored(clone_id).data) == (source, stored(source).data)
    binding = api.get(f"{BINDINGS}/{body['binding_id']}").json()
    assert (binding["control_id"], binding["target_type"], binding["target_id"]) == (
        clone_id,
        "log_stream",
        "logstream-123",
    )
    assert binding["enabled"] is False
    assert versions(clone_id) == [(1, "cloned", f"Cloned from control {source}")]
    snapshot = ControlVersion.all_tenants.get(control_id=clone_id).snapshot
    assert (snapshot["cloned_from_control_id"], snapshot["cloned_control_id"]) == (source, source)
    assert api.get(f"{CONTROLS}/{clone_id}").json()["cloned_from_control_id"] == source


def test_cloned_filter_separates_clones_from_roots(api):
    source = create(api, "source")
    clone_id = clone(api, source, name="copy").json()["id"]
    assert ids(api.get(CONTROLS, cloned="true")) == [clone_id]
    assert ids(api.get(CONTROLS, cloned="false")) == [source]


def test_a_draft_is_cloned_verbatim(api):
    source = create(api, "draft", draft_input())
    clone_id = clone(api, source).json()["id"]
    assert stored(clone_id).data == stored(source).data


def test_a_legacy_source_name_falls_back_to_the_control_id(api):
    source = make_control("default-tenant", "legacy control name")
    name = clone(api, source.pk).json()["name"]
    assert name.startswith(f"control-{source.pk}-clone-")


def test_a_taken_generated_name_is_retried_then_given_up(api, monkeypatch):
    from policies.services import cloning

    source = create(api, "source")
    create(api, "source-clone-aaaaaaaaaaaaaaaa")
    suffixes = iter(["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"])
    monkeypatch.setattr(cloning, "clone_suffix", lambda: next(suffixes))
    assert clone(api, source).json()["name"] == "source-clone-bbbbbbbbbbbbbbbb"
    monkeypatch.setattr(cloning, "clone_suffix", lambda: "bbbbbbbbbbbbbbbb")
    body = problem(clone(api, source))
    assert (body["status"], body["error_code"], body["detail"], body["hint"]) == (
        409,
        "CONTROL_NAME_CONFLICT",
        "Could not generate a unique clone name.",
        "Retry the request or provide an explicit clone name.",
    )
    assert body["details"] == {"name": "source", "kind": "Control"}


def test_a_taken_clone_name_is_a_conflict(api):
    source = create(api, "source")
    create(api, "copy")
    response = clone(api, source, name="copy")
    body = problem(response)
    assert (response.status_code, body["error_code"], body["detail"], body["hint"]) == (
        409,
        "CONTROL_NAME_CONFLICT",
        "Control with name 'copy' already exists",
        "Choose a different clone name.",
    )
    assert Control.all_tenants.count() == 2


def test_a_name_race_at_the_database_is_a_conflict(api, monkeypatch):
    from policies.services import cloning

    source = create(api, "source")
    create(api, "copy")
    monkeypatch.setattr(cloning, "control_name_taken", lambda *a, **k: False)
    response = clone(api, source, name="copy")
    assert (response.status_code, response.json()["error_code"]) == (409, "CONTROL_NAME_CONFLICT")


def test_a_failed_binding_rolls_the_clone_back(api):
    data = {
        "execution": "server",
        "condition": {"selector": {}, "evaluator": {"name": "bot:custom", "config": {}}},
        "action": {"decision": "deny"},
    }
    source = make_control("default-tenant", "scoped", data)
    response = clone(api, source.pk, name="scoped-copy")
    body = error(response)
    assert (body["status"], body["error_code"]) == (400, "CONTROL_BINDING_INCOMPATIBLE")
    assert body["detail"].startswith("Control 'scoped-copy' references")
    assert list(Control.all_tenants.values_list("name", flat=True)) == ["scoped"]
    assert not ControlVersion.all_tenants.exists()
    assert rows() == []


def test_an_unknown_source_is_404(api):
    assert error(clone(api, 999999))["error_code"] == "CONTROL_NOT_FOUND"


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"target_binding": TARGET, "bogus": 1}, "bogus", "extra_forbidden"),
        ({"target_binding": {**TARGET, "x": 1}}, "target_binding.x", "extra_forbidden"),
        ({}, "target_binding", "missing"),
        ({"target_binding": "not-an-object"}, "target_binding", "model_attributes_type"),
        ({"target_binding": TARGET, "name": "bad name"}, "name", "string_pattern_mismatch"),
    ],
)
def test_the_body_is_validated_strictly(api, body, field, code):
    source = create(api, "source")
    response = api.post(f"{CONTROLS}/{source}/clone-and-bind", body)
    errors = error(response)["errors"]
    assert (response.status_code, [(e["field"], e["code"]) for e in errors]) == (
        422,
        [(field, code)],
    )


def test_a_body_that_is_not_an_object_is_422(api):
    source = create(api, "source")
    assert api.post(f"{CONTROLS}/{source}/clone-and-bind", []).status_code == 422
    raw = api.client.post(
        f"{CONTROLS}/{source}/clone-and-bind", data="{", content_type="application/json"
    )
    assert raw.status_code == 422
