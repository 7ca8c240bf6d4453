"""The query budget of the agent <-> policy and agent <-> control routes."""

import pytest

from tests.agents.associations.link_helpers import AGENT, url

pytestmark = pytest.mark.django_db


def test_association_routes_use_few_queries(api_acme, acme, django_assert_num_queries):
    with django_assert_num_queries(4):  # agent, policy, its controls, INSERT ... ON CONFLICT
        api_acme.post(url(AGENT, "policies", acme["p1"].pk))
    with django_assert_num_queries(1):
        api_acme.get(url(AGENT, "policies"))
    with django_assert_num_queries(1):
        api_acme.get(url(AGENT, "policy"))
    # agent, SAVEPOINT, control FOR UPDATE, INSERT ... ON CONFLICT DO NOTHING, RELEASE
    with django_assert_num_queries(5):
        api_acme.post(url(AGENT, "controls", acme["control"].pk))
