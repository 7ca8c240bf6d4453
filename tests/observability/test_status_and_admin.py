"""``GET /api/v1/observability/status`` and the read-only admin for events."""

import pytest

from observability.models import ControlExecutionEvent
from tests.observability.payloads import event, ingest


def test_status_reports_ingestor_and_store_ready(api):
    response = api.get("/api/v1/observability/status", tenant="acme")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "ingestor_initialized": True,
        "store_initialized": True,
    }


@pytest.mark.django_db
def test_admin_lists_every_tenants_events_with_a_tenant_filter(api, operator):
    ingest(api, [event(control_execution_id="ev-acme")], tenant="acme")
    ingest(api, [event(control_execution_id="ev-globex", trace_id="trace-g")], tenant="globex")
    url = "/admin/observability/controlexecutionevent/"
    listed = operator.get(url)
    assert listed.status_code == 200
    assert sorted(
        (e.tenant_id, e.control_execution_id) for e in listed.context["cl"].result_list
    ) == [("acme", "ev-acme"), ("globex", "ev-globex")]
    filtered = operator.get(url, {"tenant_id": "globex"})
    assert [e.control_execution_id for e in filtered.context["cl"].result_list] == ["ev-globex"]
    searched = operator.get(url, {"q": "trace-g"})
    assert [e.control_execution_id for e in searched.context["cl"].result_list] == ["ev-globex"]


@pytest.mark.django_db
def test_admin_shows_an_event_read_only_and_offers_no_add(api, operator):
    ingest(api, [event(control_execution_id="ev-view")], tenant="acme")
    row = ControlExecutionEvent.all_tenants.get()
    url = f"/admin/observability/controlexecutionevent/{row.pk}/change/"
    page = operator.get(url)
    assert page.status_code == 200
    assert b"ev-view" in page.content
    assert b'name="_save"' not in page.content
    assert operator.post(url, {"agent_name": "changed-agent-01"}).status_code == 403
    assert operator.get("/admin/observability/controlexecutionevent/add/").status_code == 403
    assert ControlExecutionEvent.all_tenants.get().agent_name == "support-bot-01"
