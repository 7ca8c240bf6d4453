"""The operators' tenant pages: every tenant with its counts, and one tenant's overview with its
recent events and an SVG chart of evaluation outcomes, nothing of another tenant on it."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from observability.stats import outcomes_by_control
from quotas.models import TenantLimits
from tenancy.context import tenant_context
from tests.factories import make_agent, make_control, make_policy
from tests.tenancy.lifecycle_helpers import make_event

pytestmark = pytest.mark.django_db

ACME_SUMMARY = {"agents": 2, "controls": 2, "policies": 1, "links": 2, "events": 4, "rows": 11}


@pytest.fixture
def two_tenants():
    """acme: 2 agents, 2 controls, 1 policy, 2 links, 4 recent events; globex: its own names."""
    now = timezone.now()
    agent = make_agent("acme", "acme-agent-01")
    make_agent("acme", "acme-agent-02")
    guard = make_control("acme", "acme-guard")
    make_control("acme", "acme-filter")
    policy = make_policy("acme", "acme-policy")
    with tenant_context("acme"):
        agent.policies.add(policy)
        policy.controls.add(guard)
    for index, (matched, error) in enumerate(
        [(True, None), (False, None), (True, None), (None, "boom")]
    ):
        make_event(
            "acme",
            f"ev-acme-{index}",
            timestamp=now - timedelta(minutes=5 + index),
            agent_name="acme-agent-01",
            control_id=guard.pk,
            control_name="acme-guard",
            action="deny",
            matched=matched,
            error_message=error,
        )
    globex = make_control("globex", "globex-guard")
    make_agent("globex", "globex-agent-1")
    make_event(
        "globex",
        "ev-globex-0",
        timestamp=now - timedelta(minutes=3),
        agent_name="globex-agent-1",
        control_id=globex.pk,
        control_name="globex-guard",
    )
    return guard


def test_tenants_page_lists_every_tenant_with_its_counts(operator, two_tenants):
    response = operator.get("/admin/tenants/")
    assert response.status_code == 200
    assert response.context["tenants"] == [
        {"tenant_id": "acme", **ACME_SUMMARY},
        {
            "tenant_id": "globex",
            "agents": 1,
            "controls": 1,
            "policies": 0,
            "links": 0,
            "events": 1,
            "rows": 3,
        },
    ]
    assert b'href="/admin/tenants/acme/"' in response.content


def test_tenant_page_shows_its_counts_events_and_chart_and_nothing_of_another(
    operator, two_tenants
):
    response = operator.get("/admin/tenants/acme/")
    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview["summary"] == {**ACME_SUMMARY, "deleted_controls": 0}
    assert [event["control_name"] for event in overview["recent_events"]] == ["acme-guard"] * 4
    assert [(c["control_name"], c["control_id"]) for c in overview["outcomes"]["controls"]] == [
        ("acme-guard", two_tenants.pk)
    ]
    page = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="outcomes-chart"' in page
    assert 'data-control="acme-guard"' in page
    assert "globex" not in page


def test_tenant_page_shows_its_quotas_and_rates_in_force(operator, two_tenants, settings):
    settings.QUOTAS_DEFAULT = {"agents": 2, "controls": 100}
    settings.QUOTAS_RATE_LIMITS = {"read": "20/second"}
    settings.QUOTAS_REDIS_URL = "redis://127.0.0.1:6379/14"
    with tenant_context("acme"):
        TenantLimits.objects.create(max_controls=5, runtime_rate="100/second")
    response = operator.get("/admin/tenants/acme/")
    overview = response.context["overview"]
    assert overview["quotas"] == [
        {"resource": "agents", "used": 2, "limit": "2", "at_limit": True},
        {"resource": "controls", "used": 2, "limit": "5 (tenant)", "at_limit": False},
        {"resource": "policies", "used": 1, "limit": "unlimited", "at_limit": False},
        {"resource": "events", "used": 4, "limit": "unlimited", "at_limit": False},
    ]
    assert overview["rates"] == [
        {"operation_class": "runtime", "rate": "100 per second (tenant)"},
        {"operation_class": "read", "rate": "20 per second"},
        {"operation_class": "write", "rate": "unlimited"},
    ]
    assert '<tr data-quota="agents" class="at-limit">' in response.content.decode()
    assert overview["rates_note"] is None
    assert 'id="rates-not-enforced"' not in response.content.decode()


def test_tenant_page_says_when_rates_are_not_enforced(operator, two_tenants, settings):
    settings.QUOTAS_REDIS_URL = None
    page = operator.get("/admin/tenants/acme/").content.decode()
    assert (
        '<tr id="rates-not-enforced"><td colspan="3">Rate limits are not enforced: no Redis is '
        "configured (CONTROLPLANE_REDIS_URL, setting QUOTAS_REDIS_URL), so no rate applies to "
        "any request.</td></tr>" in page
    )


def test_the_chart_stacks_matches_non_matches_and_errors_per_bucket(two_tenants):
    with tenant_context("acme"):
        outcomes = outcomes_by_control(time_range="1h")
    assert len(outcomes["bucket_starts"]) == 12
    (control,) = outcomes["controls"]
    totals = {
        key: sum(bucket[key] for bucket in control["buckets"])
        for key in ("match_count", "non_match_count", "error_count", "execution_count")
    }
    assert totals == {
        "match_count": 2,
        "non_match_count": 1,
        "error_count": 1,
        "execution_count": 4,
    }


def test_a_tenant_without_events_says_so(operator):
    make_agent("initech", "initech-agent-1")
    page = operator.get("/admin/tenants/initech/").content.decode()
    assert "No evaluations in the last 24h." in page


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "/admin/tenants/bad%20id!/",
            "Not a tenant id: Tenant id may only contain letters, digits, &#x27;.&#x27;, "
            "&#x27;_&#x27;, &#x27;:&#x27; and &#x27;-&#x27;.",
        ),
        ("/admin/agents/agent/add/bad%20id!/", "Tenant id may only contain letters"),
        ("/admin/no-such-page/", None),
    ],
)
def test_admin_pages_not_found_are_the_admins_html_404_not_the_apis_json(operator, url, reason):
    response = operator.get(url)
    assert (response.status_code, response["Content-Type"]) == (404, "text/html; charset=utf-8")
    page = response.content.decode()
    assert f"<p>The admin has no page at <code>{response.wsgi_request.path}</code>.</p>" in page
    assert "Control plane administration" in page
    if reason is None:
        assert 'id="not-found-reason"' not in page
    else:
        assert f'<p id="not-found-reason">{reason}' in page


def test_an_unknown_range_shows_the_default_one_and_names_the_ranges(operator, two_tenants):
    response = operator.get("/admin/tenants/acme/?range=bogus")
    assert response.status_code == 200
    assert response.context["overview"]["time_range"] == "24h"
    assert [str(message) for message in response.context["messages"]] == [
        "Unknown range “bogus”: showing the last 24h. The ranges are 1m, 5m, 15m, 1h, 24h, 7d, "
        "30d, 180d, 365d."
    ]


def test_a_tenant_without_rows_says_so(operator, two_tenants):
    page = operator.get("/admin/tenants/acmee/").content.decode()
    assert (
        '<p id="tenant-without-rows">Tenant “acmee” owns no rows: is the tenant id mistyped? '
        '<a href="/admin/tenants/">Tenants</a> lists every tenant that owns rows.</p>'
    ) in page
    assert 'id="tenant-without-rows"' not in operator.get("/admin/tenants/acme/").content.decode()


def test_view_site_leads_to_the_api_documentation(operator):
    assert '<a href="/api/docs/">View site</a>' in operator.get("/admin/").content.decode()


def test_the_range_chooses_the_charts_window(operator, two_tenants):
    response = operator.get("/admin/tenants/acme/?range=7d")
    assert response.context["overview"]["time_range"] == "7d"
    assert len(response.context["overview"]["outcomes"]["bucket_starts"]) == 28


def test_the_admin_index_links_to_the_tenants(operator):
    assert b'href="/admin/tenants/"' in operator.get("/admin/").content


def test_staff_without_view_permissions_cannot_see_tenants(client):
    user = get_user_model().objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get("/admin/tenants/").status_code == 403
    assert client.get("/admin/tenants/acme/").status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get("/admin/tenants/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/admin/login/?next=/admin/tenants/",
    )


def test_tenant_page_loads_nothing_from_another_host(operator, two_tenants):
    """The chart is drawn on the server: no CDN, no script, nothing fetched from the internet."""
    page = operator.get("/admin/tenants/acme/").content.decode()
    fetched = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert fetched != []
    assert [url for url in fetched if not url.startswith(("/", "#", "?"))] == []
    assert "<script" not in page.split('class="outcomes-chart"', 1)[1].split("</svg>", 1)[0]
