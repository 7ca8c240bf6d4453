"""The admin in a real browser: headless Chromium (Debian's ``chromium``, which ``./dev test``
installs when missing) driven by Playwright against ``live_server``, through "add an agent in
tenant A, link A's policy". Screenshots of every page on the way are kept in
``tests/browser/screenshots/`` (git-ignored).

The database is read only before the browser starts and after it closes: Playwright's sync API
runs an event loop in this thread, where Django refuses ORM calls.
"""

import json
import shutil
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from agents.models import Agent, AgentPolicy
from policies.admin import EXAMPLE_DEFINITION
from policies.models import Control
from tests.browser.chromium import CHROMIUM, chromium_page
from tests.browser.chromium import shoot as screenshot
from tests.factories import make_control, make_policy
from tests.tenancy.lifecycle_helpers import make_event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeded(db):
    """An operator, and two tenants whose policies and controls the form must tell apart."""
    get_user_model().objects.create_superuser("operator", "op@example.com", "pw")
    policy = make_policy("acme", "baseline")
    make_policy("globex", "globex-policy")
    guard = make_control("acme", "block-secret")
    make_control("globex", "globex-control")
    now = timezone.now()
    for minutes, matched in ((50, True), (35, False), (20, True), (5, True)):
        make_event(
            "acme",
            f"ev-{minutes}",
            timestamp=now - timedelta(minutes=minutes),
            control_id=guard.pk,
            control_name="block-secret",
            action="deny",
            matched=matched,
        )
    return policy


def shoot(page, name: str) -> None:
    screenshot(page, name, full_page=True)


@contextmanager
def operator_page(live_server, chromium_path, tmp_path):
    """A Chromium page logged in to the admin as ``operator``; closed afterwards."""
    login = f"{live_server.url}/admin/login/?next=/admin/"
    with chromium_page(chromium_path, tmp_path / "profile", login) as page:
        page.fill("#id_username", "operator")
        page.fill("#id_password", "pw")
        page.click("input[type=submit]")
        expect(page.locator("#operators-tenants")).to_be_visible()
        yield page


def test_add_an_agent_in_tenant_a_and_link_as_policy(live_server, seeded, chromium_path, tmp_path):
    base = live_server.url
    with operator_page(live_server, chromium_path, tmp_path) as page:
        shoot(page, "01-admin-index")

        page.goto(f"{base}/admin/agents/agent/add/")
        expect(page.locator("h1")).to_have_text("Add agent: choose the tenant")
        expect(page.locator("ul.tenancy-tenants a")).to_have_text(["acme", "globex"])
        shoot(page, "02-choose-tenant")
        page.fill("#id_tenant_id", "acme")
        page.click("input[name=_continue_to_form]")
        page.wait_for_url(f"{base}/admin/agents/agent/add/acme/")

        policy_select = page.locator("select[name=agent_policies-0-policy]")
        expect(policy_select.locator("option")).to_have_text(["---------", "baseline (acme)"])
        control_select = page.locator("select[name=agent_controls-0-control]")
        expect(control_select.locator("option")).to_have_text(["---------", "block-secret (acme)"])
        expect(page.locator("#id_tenant_id")).to_have_count(0)
        shoot(page, "03-add-agent-in-acme")

        page.fill("#id_name", "browser-agent-01")
        metadata = page.locator("#id_metadata")
        metadata.fill('{"team": ')
        status = page.locator("#id_metadata + .json-editor-status")
        expect(status).to_contain_text("Not valid JSON")
        shoot(page, "04-json-being-typed")
        metadata.fill('{"team": "support", "tier": 1}')
        status.locator("button").click()
        expect(metadata).to_have_value('{\n  "team": "support",\n  "tier": 1\n}')
        expect(status).to_contain_text("Valid JSON")
        policy_select.select_option(label="baseline (acme)")
        page.click("input[name=_save]")
        expect(page.locator("ul.messagelist")).to_contain_text("browser-agent-01 (acme)")
        shoot(page, "05-agent-saved")

        page.goto(f"{base}/admin/agents/agentpolicy/")
        expect(page.locator("#result_list")).to_contain_text("browser-agent-01 → baseline (acme)")
        shoot(page, "06-links")
        page.goto(f"{base}/admin/tenants/")
        shoot(page, "07-tenants")
        page.goto(f"{base}/admin/tenants/acme/?range=1h")
        expect(page.locator("svg.outcomes-chart")).to_be_visible()
        shoot(page, "08-tenant-acme")
        page.goto(f"{base}/admin/policies/control/")
        page.click("text=block-secret")
        expect(page.locator("#id_data")).to_be_visible()
        shoot(page, "09-control-json")
        page.fill("#id_name", "block-secret-2")
        page.locator("#id_data").fill('{"execution": "server"}')
        page.click("input[name=_save]")
        expect(page.locator(".errorlist")).to_contain_text("condition: Field required")
        shoot(page, "10-control-invalid")
        page.goto(f"{base}/admin/policies/policy/add/acme/")
        page.fill("#id_name", "baseline")
        page.click("input[name=_save]")
        expect(page.locator(".errorlist")).to_have_text(
            "A policy named “baseline” already exists in tenant “acme”."
        )
        shoot(page, "11-policy-duplicate")

    agent = Agent.all_tenants.get(name="browser-agent-01")
    assert (agent.tenant_id, agent.metadata) == ("acme", {"team": "support", "tier": 1})
    assert list(AgentPolicy.all_tenants.values_list("tenant_id", "agent__name", "policy_id")) == [
        ("acme", "browser-agent-01", seeded.pk)
    ]
    assert shutil.which(CHROMIUM)


def test_the_json_editor_keeps_its_size_and_offers_the_example(
    live_server, seeded, chromium_path, tmp_path
):
    """The status line sits below the text area, which keeps its width as the message grows; a
    new control's empty Data offers the example as a start."""
    with operator_page(live_server, chromium_path, tmp_path) as page:
        page.goto(f"{live_server.url}/admin/policies/control/add/acme/")
        data = page.locator("#id_data")
        status = page.locator("#id_data + .json-editor-status")
        expect(status.locator("span")).to_have_text("Empty: a value is required.")
        expect(status.locator("button", has_text="Format JSON")).to_be_hidden()
        before = data.bounding_box()
        data.fill('{"execution": "server",,, "a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6}')
        expect(status).to_have_class("json-editor-status invalid")
        after, line = data.bounding_box(), status.bounding_box()
        shoot(page, "12-json-editor-invalid")
        assert (after["x"], after["width"]) == (before["x"], before["width"])
        assert line["y"] >= after["y"] + after["height"]
        data.fill("")
        status.locator("button", has_text="Start from the example").click()
        expect(status.locator("span")).to_have_text("Valid JSON.")
        example = data.input_value()
        page.fill("#id_name", "from-the-example")
        page.click("input[name=_save]")
        expect(page.locator("ul.messagelist")).to_contain_text("from-the-example (acme)")
        shoot(page, "13-control-from-the-example")
    assert json.loads(example) == EXAMPLE_DEFINITION
    assert Control.all_tenants.get(name="from-the-example").data == EXAMPLE_DEFINITION
