"""Tenant isolation as a property: a hypothesis state machine drives the API as three tenants and
a model predicts every status code and every listing.

Each step is one request by one tenant: register an agent, create a control or a policy, read,
link or force-delete them, naming ids and names of *any* tenant (and an id that never existed).
The model keeps each tenant's rows apart, so another tenant's object must answer exactly like a
missing one (404), and after every step every tenant's listings (agents, controls, a policy's
controls, an agent's policies and effective controls) must equal the model's: a leak in either
direction fails. Bounded for CI; ``ISOLATION_EXAMPLES`` / ``ISOLATION_STEPS`` run it longer.
"""

import os
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.factories import REGEX_DENY

pytestmark = pytest.mark.django_db

TENANTS = ("tenant-a", "tenant-b", "tenant-c")
AGENT_NAMES = ("agent-alpha-01", "agent-bravo-02", "agent-charlie-3")
CONTROL_NAMES = ("block-ssn", "block-card")
POLICY_NAMES = ("baseline", "strict")
NEVER = 10**9
EXAMPLES = int(os.environ.get("ISOLATION_EXAMPLES", "12"))
STEPS = int(os.environ.get("ISOLATION_STEPS", "25"))


@dataclass
class Tenant:
    """What one tenant owns, as the model sees it."""

    agents: dict[str, set] = field(default_factory=dict)  # name -> linked policy ids
    direct: dict[str, set] = field(default_factory=dict)  # agent name -> linked control ids
    controls: dict[int, str] = field(default_factory=dict)  # live control id -> name
    policies: dict[int, set] = field(default_factory=dict)  # policy id -> control ids
    policy_names: set = field(default_factory=set)

    def effective(self, agent: str) -> list[int]:
        ids = set(self.direct[agent])
        for policy in self.agents[agent]:
            ids |= self.policies[policy]
        return sorted((i for i in ids if i in self.controls), reverse=True)


class IsolationMachine(RuleBasedStateMachine):
    def __init__(self, api):
        super().__init__()
        self.api = api
        self.model = {tenant: Tenant() for tenant in TENANTS}
        self.control_ids: list[int] = [NEVER]
        self.policy_ids: list[int] = [NEVER]
        self.atomic = transaction.atomic()
        self.atomic.__enter__()  # every example starts from an empty database

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def call(self, method, path, body=None, *, tenant, expect):
        response = self.api.request(method, path, body, tenant=tenant)
        assert response.status_code == expect, (method, path, tenant, response.json())
        return response.json()

    @rule(tenant=st.sampled_from(TENANTS), name=st.sampled_from(AGENT_NAMES))
    def register_agent(self, tenant, name):
        body = {"agent": {"agent_name": name}, "steps": [{"type": "llm", "name": "chat"}]}
        created = self.call("post", "/api/v1/agents/initAgent", body, tenant=tenant, expect=200)
        assert created["created"] is (name not in self.model[tenant].agents)
        self.model[tenant].agents.setdefault(name, set())
        self.model[tenant].direct.setdefault(name, set())

    @rule(tenant=st.sampled_from(TENANTS), name=st.sampled_from(CONTROL_NAMES))
    def create_control(self, tenant, name):
        taken = name in self.model[tenant].controls.values()
        body = {"name": name, "data": REGEX_DENY}
        answer = self.call(
            "put", "/api/v1/controls", body, tenant=tenant, expect=409 if taken else 200
        )
        if not taken:
            self.model[tenant].controls[answer["control_id"]] = name
            self.control_ids.append(answer["control_id"])

    @rule(tenant=st.sampled_from(TENANTS), name=st.sampled_from(POLICY_NAMES))
    def create_policy(self, tenant, name):
        taken = name in self.model[tenant].policy_names
        body = {"name": name}
        answer = self.call(
            "put", "/api/v1/policies", body, tenant=tenant, expect=409 if taken else 200
        )
        if not taken:
            self.model[tenant].policies[answer["policy_id"]] = set()
            self.model[tenant].policy_names.add(name)
            self.policy_ids.append(answer["policy_id"])

    @rule(tenant=st.sampled_from(TENANTS), data=st.data())
    def read_control(self, tenant, data):
        control = data.draw(st.sampled_from(self.control_ids))
        owned = control in self.model[tenant].controls
        self.call("get", f"/api/v1/controls/{control}", tenant=tenant, expect=200 if owned else 404)

    @rule(tenant=st.sampled_from(TENANTS), name=st.sampled_from(AGENT_NAMES))
    def read_agent(self, tenant, name):
        owned = name in self.model[tenant].agents
        self.call("get", f"/api/v1/agents/{name}", tenant=tenant, expect=200 if owned else 404)

    @rule(tenant=st.sampled_from(TENANTS), data=st.data())
    def delete_control(self, tenant, data):
        control = data.draw(st.sampled_from(self.control_ids))
        owned = self.model[tenant].controls.pop(control, None) is not None
        path = f"/api/v1/controls/{control}?force=true"
        self.call("delete", path, tenant=tenant, expect=200 if owned else 404)
        if owned:
            for linked in (
                *self.model[tenant].policies.values(),
                *self.model[tenant].direct.values(),
            ):
                linked.discard(control)

    def link(self, tenant, path, *, owned: bool) -> bool:
        """POST a link: 200 when the tenant owns both ends, else 404 like a missing row."""
        self.call("post", path, tenant=tenant, expect=200 if owned else 404)
        return owned

    @rule(tenant=st.sampled_from(TENANTS), data=st.data())
    def link_control_to_policy(self, tenant, data):
        policy = data.draw(st.sampled_from(self.policy_ids))
        control = data.draw(st.sampled_from(self.control_ids))
        mine = self.model[tenant]
        owned = policy in mine.policies and control in mine.controls
        if self.link(tenant, f"/api/v1/policies/{policy}/controls/{control}", owned=owned):
            mine.policies[policy].add(control)

    @rule(tenant=st.sampled_from(TENANTS), name=st.sampled_from(AGENT_NAMES), data=st.data())
    def link_to_agent(self, tenant, name, data):
        kind = data.draw(st.sampled_from(("policies", "controls")))
        target = data.draw(
            st.sampled_from(self.policy_ids if kind == "policies" else self.control_ids)
        )
        mine = self.model[tenant]
        owned_targets = mine.policies if kind == "policies" else mine.controls
        owned = name in mine.agents and target in owned_targets
        if self.link(tenant, f"/api/v1/agents/{name}/{kind}/{target}", owned=owned):
            (mine.agents if kind == "policies" else mine.direct)[name].add(target)

    @invariant()
    def every_listing_matches_the_model(self):
        for tenant, mine in self.model.items():
            agents = self.call("get", "/api/v1/agents?limit=100", tenant=tenant, expect=200)
            assert sorted(a["agent_name"] for a in agents["agents"]) == sorted(mine.agents)
            controls = self.call("get", "/api/v1/controls?limit=100", tenant=tenant, expect=200)
            assert sorted(c["id"] for c in controls["controls"]) == sorted(mine.controls)
            for policy, linked in mine.policies.items():
                path = f"/api/v1/policies/{policy}/controls"
                answer = self.call("get", path, tenant=tenant, expect=200)
                assert answer["control_ids"] == sorted(i for i in linked if i in mine.controls)
            for agent, policies in mine.agents.items():
                answer = self.call(
                    "get", f"/api/v1/agents/{agent}/policies", tenant=tenant, expect=200
                )
                assert answer["policy_ids"] == sorted(policies)
                answer = self.call(
                    "get", f"/api/v1/agents/{agent}/controls", tenant=tenant, expect=200
                )
                assert [c["id"] for c in answer["controls"]] == mine.effective(agent)


def test_three_tenants_never_see_or_touch_each_others_rows(api):
    run_state_machine_as_test(
        lambda: IsolationMachine(api),
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )
