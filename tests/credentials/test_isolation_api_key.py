"""The cross-tenant isolation matrix re-run in ``api_key`` mode: globex's admin key on acme's ids
answers exactly like missing ids (404, nothing written), and globex's key naming acme in
``X-Tenant-Id`` is refused (403) on every route, before anything is read or written."""

import pytest

from tests.api.test_isolation_matrix import ROUTES, build_world, comparable, delete_acme_rows, fill
from tests.credentials.credential_helpers import error
from tests.snapshots import rows_by_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def globex(api, api_key_mode, issue_key):
    return api.with_key(issue_key("globex", "admin"))


def _path_and_body(world, template, body):
    body = fill(body, world)
    if body == {"data": "CONTROL_DATA"}:
        body = {"data": world["control_data"]}
    return template.format(**world), body


@pytest.mark.parametrize(("method", "template", "body"), ROUTES)
def test_another_tenants_ids_with_an_admin_key_are_indistinguishable_from_missing(
    globex, world, method, template, body
):
    path, body = _path_and_body(world, template, body)
    before = rows_by_model("acme")
    foreign = globex.request(method, path, body)
    assert foreign.status_code == 404
    assert rows_by_model("acme") == before
    delete_acme_rows()
    assert comparable(foreign) == comparable(globex.request(method, path, body))


@pytest.mark.parametrize(("method", "template", "body"), ROUTES)
def test_a_key_naming_another_tenant_in_the_header_is_403_and_changes_nothing(
    globex, world, method, template, body
):
    path, body = _path_and_body(world, template, body)
    before = rows_by_model("acme"), rows_by_model("globex")
    response = globex.request(method, path, body, tenant="acme")
    assert error(response) == (
        403,
        "AUTH_INSUFFICIENT_PRIVILEGES",
        "The credential does not belong to the tenant named by the X-Tenant-Id header.",
        None,
    )
    assert (rows_by_model("acme"), rows_by_model("globex")) == before


def test_lists_with_a_key_never_include_other_tenants(globex, world):
    assert [a["agent_name"] for a in globex.get("/api/v1/agents").json()["agents"]] == [
        "globex-agent-01"
    ]
    listed = globex.get("/api/v1/controls").json()
    assert [c["id"] for c in listed["controls"]] == [world["own_control"]]
