"""CompiledQuery: compiled once through the scoped managers, run with the bound tenant."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from agents.models import Agent
from policies.models import Control
from tenancy.compiled import CompiledQuery
from tenancy.context import tenant_context
from tenancy.exceptions import NoTenantBound
from tests.factories import REGEX_DENY, make_agent, make_control

pytestmark = pytest.mark.django_db

BY_NAME = CompiledQuery(
    lambda name: Agent.objects.filter(name=name).values_list("id", "name").order_by("id"),
    name=str,
)


def test_rows_come_from_the_bound_tenant_only():
    acme = make_agent("acme", "support-bot-01")
    globex = make_agent("globex", "support-bot-01")
    with tenant_context("acme"):
        assert BY_NAME(name="support-bot-01") == [(acme.pk, "support-bot-01")]
    with tenant_context("globex"):
        assert BY_NAME(name="support-bot-01") == [(globex.pk, "support-bot-01")]
    with tenant_context("initech"):
        assert BY_NAME(name="support-bot-01") == []


def test_every_tenant_filter_of_the_query_takes_the_bound_tenant():
    sql = BY_NAME.sql()
    assert sql.count("tenant_id") == 1
    from agents.selectors.effective import CONTROL_ROWS
    from agents.selectors.lookups import AGENT_ID_BY_NAME

    assert AGENT_ID_BY_NAME.sql().count('"tenant_id" =') == 1
    assert CONTROL_ROWS.sql().count('"tenant_id" =') == 4  # controls, two links, policy links


def test_calls_fail_closed_without_a_tenant():
    with pytest.raises(NoTenantBound):
        BY_NAME(name="support-bot-01")


def test_field_converters_are_applied():
    control = make_control("acme", "block-secret")
    query = CompiledQuery(lambda pk: Control.objects.filter(pk=pk).values_list("data"), pk=int)
    with tenant_context("acme"):
        assert query(pk=control.pk) == [(REGEX_DENY,)]


def test_an_unscoped_builder_is_refused():
    query = CompiledQuery(
        lambda name: Agent.all_tenants.filter(name=name).values_list("id"), name=str
    )
    with tenant_context("acme"), pytest.raises(ImproperlyConfigured, match="not scoped"):
        query(name="x")


def test_a_rewritten_placeholder_is_refused():
    query = CompiledQuery(
        lambda name: Agent.objects.filter(name__icontains=name).values_list("id"), name=str
    )
    with tenant_context("acme"), pytest.raises(ImproperlyConfigured, match="did not reach"):
        query(name="bot")


def test_wrong_keywords_are_a_type_error():
    with tenant_context("acme"), pytest.raises(TypeError, match="expects"):
        BY_NAME(nam="x")


def test_it_is_one_query(django_assert_num_queries):
    make_agent("acme", "support-bot-01")
    with tenant_context("acme"):
        BY_NAME(name="warm-up-compile")
        with django_assert_num_queries(1):
            BY_NAME(name="support-bot-01")
