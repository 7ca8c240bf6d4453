"""Soft delete and restore of controls as admin actions, each in the control's tenant, through
the API's services (versions recorded, in-use controls refused unless detached)."""

import pytest

from policies.models import Control, ControlVersion, PolicyControl
from tenancy.context import tenant_context
from tests.factories import make_control, make_policy, soft_delete

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/policies/control/"


def act(operator, action, *controls):
    response = operator.post(
        CHANGELIST,
        {"action": action, "_selected_action": [control.pk for control in controls]},
        follow=True,
    )
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def deleted(control) -> bool:
    return Control.all_tenants.get(pk=control.pk).deleted_at is not None


def test_soft_delete_marks_controls_of_several_tenants_and_records_versions(operator):
    acme = make_control("acme", "block-secret")
    globex = make_control("globex", "block-secret")
    assert act(operator, "soft_delete_selected", acme, globex) == [
        "Soft-deleted: block-secret (acme), block-secret (globex)."
    ]
    assert deleted(acme) and deleted(globex)
    assert sorted(ControlVersion.all_tenants.values_list("tenant_id", "event_type", "note")) == [
        ("acme", "deleted", "Deleted"),
        ("globex", "deleted", "Deleted"),
    ]


@pytest.fixture
def control_in_a_policy():
    control = make_control("acme", "block-secret")
    policy = make_policy("acme")
    with tenant_context("acme"):
        policy.controls.add(control)
    return control


def test_soft_delete_of_a_control_in_use_is_refused_with_the_apis_words(
    operator, control_in_a_policy
):
    control = control_in_a_policy
    assert act(operator, "soft_delete_selected", control) == [
        "block-secret (acme): Control 'block-secret' is associated with 1 policy/policies, "
        "0 agent(s), and 0 target binding(s) Use force=true to dissociate and delete, or remove "
        "associations and target bindings manually first."
    ]
    assert not deleted(control)


def test_force_soft_delete_detaches_the_control_first(operator, control_in_a_policy):
    control = control_in_a_policy
    assert act(operator, "force_soft_delete_selected", control) == [
        "Soft-deleted and detached: block-secret (acme)."
    ]
    assert deleted(control)
    assert PolicyControl.all_tenants.count() == 0


def test_restore_brings_a_soft_deleted_control_back(operator):
    control = make_control("acme", "block-secret")
    soft_delete(control)
    assert act(operator, "restore_selected", control) == ["Restored: block-secret (acme)."]
    assert not deleted(control)
    assert list(ControlVersion.all_tenants.values_list("event_type", "note")) == [
        ("updated", "Restored")
    ]


def test_restore_is_refused_when_the_name_was_taken_since(operator):
    control = make_control("acme", "block-secret")
    soft_delete(control)
    make_control("acme", "block-secret")
    assert act(operator, "restore_selected", control) == [
        "block-secret (acme): Control with name 'block-secret' already exists Choose a "
        "different name or update the existing control."
    ]
    assert deleted(control)


def test_deleted_at_is_read_only_in_the_form(operator):
    control = make_control("acme")
    response = operator.get(f"/admin/policies/control/{control.pk}/change/")
    assert "deleted_at" in response.context["adminform"].readonly_fields
    assert "deleted_at" not in response.context["adminform"].form.fields


def test_controls_are_never_hard_deleted_in_the_admin(operator):
    control = make_control("acme", "block-secret")
    change = operator.get(f"/admin/policies/control/{control.pk}/change/")
    assert 'class="deletelink"' not in change.content.decode()
    listing = operator.get(CHANGELIST)
    assert [name for name, _ in listing.context["action_form"].fields["action"].choices] == [
        "",
        "soft_delete_selected",
        "force_soft_delete_selected",
        "restore_selected",
    ]
    assert (
        operator.post(f"/admin/policies/control/{control.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    response = operator.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [control.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert Control.all_tenants.filter(pk=control.pk, deleted_at__isnull=True).count() == 1


def test_control_versions_are_read_only_history(operator):
    control = make_control("acme", "block-secret")
    with tenant_context("acme"):
        version = ControlVersion.objects.create(
            control=control, version_num=1, event_type="created", snapshot={"name": "x"}
        )
    url = f"/admin/policies/controlversion/{version.pk}/"
    page = operator.get(f"{url}change/").content.decode()
    assert 'class="deletelink"' not in page
    assert operator.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    assert operator.get("/admin/policies/controlversion/").context["action_form"] is None
    assert ControlVersion.all_tenants.count() == 1
