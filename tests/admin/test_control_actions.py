"""Soft delete and restore of controls as admin actions, each in the control's tenant, through
the API's services (versions recorded, in-use controls refused unless detached)."""

import re

import pytest

from policies.models import Control, ControlBinding, ControlVersion, PolicyControl
from tenancy.context import tenant_context
from tests.factories import make_agent, make_control, make_policy, soft_delete

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
        "Soft-deleted 2 controls: block-secret (acme), block-secret (globex)."
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


def test_soft_delete_of_a_control_in_use_is_refused_in_the_admins_words(
    operator, control_in_a_policy
):
    control = control_in_a_policy
    assert act(operator, "soft_delete_selected", control) == [
        "The control “block-secret” of tenant “acme” was not soft-deleted: it is in use "
        "(1 policy). Remove those links first, or choose “Detach and soft-delete selected "
        "controls”."
    ]
    assert not deleted(control)


def test_the_refusal_counts_every_kind_of_link(operator, control_in_a_policy):
    control = control_in_a_policy
    with tenant_context("acme"):
        make_policy("acme", "second").controls.add(control)
        make_agent("acme", "support-bot-01").controls.add(control)
        ControlBinding.objects.create(control=control, target_type="env", target_id="prod")
    assert act(operator, "soft_delete_selected", control) == [
        "The control “block-secret” of tenant “acme” was not soft-deleted: it is in use "
        "(2 policies, 1 agent and 1 target binding). Remove those links first, or choose "
        "“Detach and soft-delete selected controls”."
    ]


def test_messages_never_start_with_a_control_name_the_admin_would_capitalise(
    operator, control_in_a_policy
):
    page = operator.post(
        CHANGELIST,
        {"action": "soft_delete_selected", "_selected_action": [control_in_a_policy.pk]},
        follow=True,
    ).content.decode()
    assert "The control “block-secret” of tenant “acme” was not soft-deleted" in page
    assert "Block-secret" not in page


def test_force_soft_delete_detaches_the_control_first(operator, control_in_a_policy):
    control = control_in_a_policy
    assert act(operator, "force_soft_delete_selected", control) == [
        "Detached and soft-deleted 1 control: block-secret (acme)."
    ]
    assert deleted(control)
    assert PolicyControl.all_tenants.count() == 0


def test_restore_brings_a_soft_deleted_control_back(operator):
    control = make_control("acme", "block-secret")
    soft_delete(control)
    assert act(operator, "restore_selected", control) == [
        "Restored 1 control: block-secret (acme)."
    ]
    assert not deleted(control)
    assert list(ControlVersion.all_tenants.values_list("event_type", "note")) == [
        ("updated", "Restored")
    ]


@pytest.mark.parametrize(
    ("other_name", "quota", "reason"),
    [
        (
            "block-secret",
            None,
            "another active control of the tenant is named “block-secret”. Rename or soft-delete "
            "that one first.",
        ),
        (
            "other-control",
            1,
            "the tenant already keeps its quota of 1 active control. Raise its limit (Tenant "
            "limits) or soft-delete another control first.",
        ),
    ],
)
def test_restore_is_refused_when_the_name_was_taken_or_the_quota_filled_since(
    operator, settings, other_name, quota, reason
):
    settings.QUOTAS_DEFAULT = {"controls": quota}
    control = make_control("acme", "block-secret")
    soft_delete(control)
    make_control("acme", other_name)
    assert act(operator, "restore_selected", control) == [
        f"The control “block-secret” of tenant “acme” was not restored: {reason}"
    ]
    assert deleted(control)


def test_restoring_an_active_control_or_deleting_a_deleted_one_says_so(operator):
    active = make_control("acme", "block-secret")
    gone = make_control("globex", "old-control")
    soft_delete(gone)
    assert act(operator, "restore_selected", active, gone) == [
        "Restored 1 control: old-control (globex).",
        "The control block-secret (acme) is not deleted: there is nothing to restore.",
    ]
    soft_delete(make_control("acme", "third-control"))
    assert act(operator, "force_soft_delete_selected", *Control.all_tenants.all()) == [
        "Detached and soft-deleted 2 controls: block-secret (acme), old-control (globex).",
        "The control third-control (acme) is already soft-deleted: nothing was done.",
    ]
    assert act(operator, "soft_delete_selected", *Control.all_tenants.all()) == [
        "The controls block-secret (acme), third-control (acme), old-control (globex) are "
        "already soft-deleted: nothing was done."
    ]


def test_the_change_list_shows_a_status_and_filters_by_it(operator):
    active = make_control("acme", "block-secret")
    gone = make_control("acme", "old-control")
    soft_delete(gone)
    response = operator.get(CHANGELIST)
    page = response.content.decode()
    rows = {
        control.name: (
            re.search(
                rf'{control.pk}/change/.*?<td class="field-status">([^<]*)</td>'
                r'<td class="field-enabled">([^<]*)</td>',
                page,
                re.S,
            ).groups()
        )
        for control in (active, gone)
    }
    assert rows == {"block-secret": ("active", "yes"), "old-control": ("deleted", "-")}
    assert [
        c.name for c in operator.get(CHANGELIST, {"status": "deleted"}).context["cl"].result_list
    ] == ["old-control"]
    assert [
        c.name for c in operator.get(CHANGELIST, {"status": "active"}).context["cl"].result_list
    ] == ["block-secret"]
    assert "By status" in page and "By deleted at" not in page


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
