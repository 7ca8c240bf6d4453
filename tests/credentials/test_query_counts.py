"""Query counts with auth on: the key costs one indexed query per request (plus, once per
``CREDENTIALS_LAST_USED_INTERVAL_SECONDS``, the ``last_used_at`` update); no cache, so a
revocation is seen by the next request. The SDK's hot routes, in ``api_key`` mode."""

import pytest

from tests.factories import REGEX_DENY, make_agent, make_control

pytestmark = pytest.mark.django_db

AGENT = "support-bot-01"
EVALUATION = {
    "agent_name": AGENT,
    "step": {"type": "llm", "name": "answer", "input": "my secret"},
    "stage": "pre",
}
REGISTER = {"agent": {"agent_name": AGENT}, "steps": [{"type": "llm", "name": "answer"}]}


@pytest.fixture
def guarded():
    agent = make_agent("acme", AGENT, steps=[{"type": "llm", "name": "answer"}])
    agent.controls.add(make_control("acme", "block-secret", REGEX_DENY))


@pytest.fixture
def runtime(acme_runtime):
    """The runtime key, used once so that its ``last_used_at`` is fresh."""
    assert acme_runtime.get("/health").status_code == 200
    acme_runtime.get("/api/v1/evaluators")
    return acme_runtime


def test_effective_controls_cost_the_key_lookup_plus_two(
    runtime, guarded, django_assert_num_queries
):
    with django_assert_num_queries(3):  # the key, the agent, its effective controls
        assert runtime.get(f"/api/v1/agents/{AGENT}/controls").status_code == 200


def test_evaluation_costs_the_key_lookup_plus_two(runtime, guarded, django_assert_num_queries):
    with django_assert_num_queries(3):  # the key, the agent, its effective controls
        assert runtime.post("/api/v1/evaluation", EVALUATION).json()["is_safe"] is False


def test_re_registration_costs_one_query_more_than_in_header_mode(
    api, runtime, guarded, django_assert_num_queries, settings
):
    settings.CREDENTIALS_MODE = "none"
    with django_assert_num_queries(4):  # re-registering an unchanged agent
        assert api.post("/api/v1/agents/initAgent", REGISTER, tenant="acme").status_code == 200
    settings.CREDENTIALS_MODE = "api_key"
    with django_assert_num_queries(5):
        assert runtime.post("/api/v1/agents/initAgent", REGISTER).status_code == 200


def test_last_used_is_written_once_per_interval(acme_runtime, guarded, django_assert_num_queries):
    with django_assert_num_queries(4):  # the key, last_used_at, the agent, its controls
        acme_runtime.get(f"/api/v1/agents/{AGENT}/controls")
    with django_assert_num_queries(3):
        acme_runtime.get(f"/api/v1/agents/{AGENT}/controls")


def test_public_routes_cost_nothing_without_a_key(api, api_key_mode, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert api.get("/api/v1/controls/schema").status_code == 200
