"""Fixtures for the agent <-> policy and agent <-> control route tests: tenant acme's agent,
policies and control (and ``api`` bound to acme), and tenant globex's namesakes."""

import pytest

from tests.agents.associations.link_helpers import AGENT
from tests.factories import make_agent, make_control, make_policy


@pytest.fixture
def acme():
    """Tenant acme's agent, two policies and a control; ``api`` bound to acme."""
    return {
        "agent": make_agent("acme", AGENT),
        "p1": make_policy("acme", "baseline"),
        "p2": make_policy("acme", "strict"),
        "control": make_control("acme"),
    }


@pytest.fixture
def api_acme(api):
    return api.as_tenant("acme")


@pytest.fixture
def globex():
    """Tenant globex owns an agent with the same name as acme's, a policy and a control."""
    return {
        "agent": make_agent("globex", AGENT),
        "policy": make_policy("globex", "baseline"),
        "control": make_control("globex"),
    }
