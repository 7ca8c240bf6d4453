"""Swagger UI (``/api/docs/``) in a real browser: headless Chromium (Debian's ``chromium``)
driven by Playwright against ``live_server``. Its Authorize button takes a tenant's API key and
"Try it out" sends it (api_key mode); in header mode the documented ``X-Tenant-Id`` parameter picks
the tenant. Each case runs ``GET /api/v1/controls`` (``list_controls``), whose answer would show
the other tenant's control if the tenant were wrong. Screenshots go to
``tests/browser/screenshots/`` (git-ignored).

The database is read and written only before the browser starts: Playwright's sync API runs an
event loop in this thread, where Django refuses ORM calls.
"""

import json
import re
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from credentials.services import api_key_create
from tests.browser.chromium import chromium_page, shoot
from tests.factories import make_control, make_policy

OPERATION = "#operations-controls-list_controls"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeded(db):
    """A policy and a control in each of two tenants; the control names and ids tell them apart."""
    make_policy("acme", "acme-policy")
    make_policy("globex", "globex-policy")
    acme = make_control("acme", "acme-guard")
    globex = make_control("globex", "globex-guard")
    return {"acme": (acme.pk, "acme-guard"), "globex": (globex.pk, "globex-guard")}


@contextmanager
def swagger_page(live_server, chromium_path, tmp_path):
    """A Chromium page on Swagger UI with the list_controls operation expanded."""
    with chromium_page(chromium_path, tmp_path / "profile", f"{live_server.url}/api/docs/") as page:
        operation = page.locator(OPERATION)
        expect(operation).to_be_visible()
        operation.locator(".opblock-summary").first.click()
        expect(operation.locator(".try-out__btn")).to_be_visible()
        yield page


def execute(page, tenant_header: str | None = None) -> tuple[int, dict, list[str]]:
    """Try it out (filling ``X-Tenant-Id`` when given), Execute; the status and body shown, and
    the headers of the curl command shown."""
    operation = page.locator(OPERATION)
    if operation.locator("button.execute").count() == 0:
        operation.locator(".try-out__btn").click()
    if tenant_header is not None:
        field = operation.locator('tr[data-param-name="X-Tenant-Id"] input')
        field.fill(tenant_header)
    clear = operation.locator("button.btn-clear")
    if clear.count():
        clear.click()
        expect(operation.locator(".live-responses-table")).to_have_count(0)
    operation.locator("button.execute").click()
    live = operation.locator(".live-responses-table")
    status = live.locator("tbody .response-col_status").first
    expect(status).to_have_text(re.compile(r"^\s*\d{3}\s*$"))
    body = live.locator(".response-col_description .microlight").first
    expect(body).to_be_visible()
    curl = operation.locator(".curl-command").inner_text()
    headers = re.findall(r"-H '([^']*)'", curl)
    return int(status.inner_text().strip()), json.loads(body.inner_text()), headers


def authorize_with_api_key(page, secret: str) -> None:
    page.locator(".auth-wrapper button.authorize").click()
    dialog = page.locator(".dialog-ux .modal-ux")
    expect(dialog).to_be_visible()
    scheme = dialog.locator(".auth-container", has_text="ApiKeyAuth")
    expect(scheme.locator("code", has_text="X-API-Key")).to_be_visible()
    scheme.locator("input").fill(secret)
    scheme.get_by_role("button", name="Apply credentials").click()
    expect(scheme.get_by_role("heading", name="Authorized")).to_be_visible()
    expect(scheme.get_by_role("button", name="Remove authorization")).to_be_visible()
    shoot(page, "swagger-02-authorized")
    scheme.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)
    expect(page.locator(".auth-wrapper button.authorize.locked")).to_be_visible()


def shown_controls(body: dict) -> list[tuple[int, str]]:
    return [(control["id"], control["name"]) for control in body["controls"]]


def test_authorize_with_an_api_key_lists_the_keys_tenant(
    live_server, seeded, chromium_path, tmp_path, settings
):
    settings.CREDENTIALS_MODE = "api_key"
    secret = api_key_create(tenant_id="acme", role="admin").secret
    with swagger_page(live_server, chromium_path, tmp_path) as page:
        status, body, headers = execute(page)
        shoot(page.locator(OPERATION), "swagger-01-without-key")
        assert (status, body["error_code"], headers) == (401, "AUTH_MISSING_KEY", ["accept: */*"])

        authorize_with_api_key(page, secret)
        status, body, headers = execute(page)
        shoot(page.locator(OPERATION), "swagger-03-with-key")
    assert (status, headers) == (200, ["accept: */*", f"X-API-Key: {secret}"])
    assert shown_controls(body) == [seeded["acme"]]
    assert "globex" not in json.dumps(body)


def test_the_tenant_header_parameter_picks_the_tenant(
    live_server, seeded, chromium_path, tmp_path, settings
):
    settings.CREDENTIALS_MODE = "none"
    with swagger_page(live_server, chromium_path, tmp_path) as page:
        status, body, headers = execute(page, tenant_header="globex")
        shoot(page.locator(OPERATION), "swagger-04-header-globex")
    assert (status, headers) == (200, ["accept: */*", "X-Tenant-Id: globex"])
    assert shown_controls(body) == [seeded["globex"]]
    assert "acme" not in json.dumps(body)
