"""Which controls ``POST /api/v1/evaluation`` runs: the scope filters, never disabled or SDK-side
controls, a control reached directly and through a policy only once, and the same two queries
however many controls the agent has."""

import pytest

from tests.evaluation.evaluation_helpers import AGENT, SAFE_EMPTY, SECRET, attach, evaluate, llm
from tests.factories import make_agent, make_control

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("scope", "step", "stage", "applies"),
    [
        ({"stages": ["post"]}, llm("a secret"), "pre", False),
        ({"stages": ["post"]}, llm("a secret"), "post", True),
        ({"step_types": ["tool"]}, llm("a secret"), "pre", False),
        ({"step_names": ["search"]}, llm("a secret"), "pre", False),
        ({"step_names": ["chat"]}, llm("a secret"), "pre", True),
        ({"step_name_regex": "^ch"}, llm("a secret"), "pre", True),
        ({"step_name_regex": "^search"}, llm("a secret"), "pre", False),
    ],
)
def test_scope_filters_select_the_controls_that_run(api, scope, step, stage, applies):
    agent = make_agent("default-tenant", AGENT)
    attach(agent, make_control("default-tenant", "scoped", {**SECRET, "scope": scope}))
    body = evaluate(api, step, stage=stage).json()
    if applies:
        assert (body["is_safe"], [m["control_name"] for m in body["matches"]]) == (
            False,
            ["scoped"],
        )
    else:
        assert body == SAFE_EMPTY


def test_disabled_control_is_listed_but_not_evaluated(api):
    agent = make_agent("default-tenant", AGENT)
    control = make_control("default-tenant", "block-secret", SECRET)
    attach(agent, control)
    assert api.patch(f"/api/v1/controls/{control.pk}", {"enabled": False}).status_code == 200
    assert evaluate(api, llm("a secret")).json() == SAFE_EMPTY
    listed = api.get(f"/api/v1/agents/{AGENT}/controls").json()["controls"]
    assert [(c["id"], c["control"]["enabled"]) for c in listed] == [(control.pk, False)]
    enabled_only = api.get(f"/api/v1/agents/{AGENT}/controls", enabled_state="enabled").json()
    assert enabled_only == {"controls": []}


def test_sdk_execution_controls_are_never_run_by_the_server(api):
    agent = make_agent("default-tenant", AGENT)
    attach(agent, make_control("default-tenant", "sdk-only", {**SECRET, "execution": "sdk"}))
    assert evaluate(api, llm("a secret")).json() == SAFE_EMPTY


def test_direct_and_policy_controls_both_run_once(api):
    agent = make_agent("default-tenant", AGENT)
    control = make_control("default-tenant", "block-secret", SECRET)
    attach(agent, control)
    attach(agent, control, via_policy=False)
    body = evaluate(api, llm("a secret")).json()
    assert [m["control_id"] for m in body["matches"]] == [control.pk]


def test_evaluation_query_count_does_not_grow_with_controls(api, django_assert_num_queries):
    small = make_agent("small", AGENT)
    attach(small, make_control("small", "only-one", SECRET))
    large = make_agent("large", AGENT)
    controls = [make_control("large", f"ctl-{i:02d}", SECRET) for i in range(50)]
    for start in range(0, 50, 5):
        attach(large, *controls[start : start + 5])
    for tenant in ("small", "large"):
        with django_assert_num_queries(2):  # the agent, its effective controls
            assert evaluate(api, llm("a secret"), tenant=tenant).json()["is_safe"] is False
