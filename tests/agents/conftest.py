"""Fixtures for the agent endpoint tests (plain helpers live in ``agent_helpers.py``)."""

import pytest

from tests.agents.agent_helpers import INIT, init_body


@pytest.fixture
def register(api):
    """``register(name, tenant=None, **fields)`` -> the initAgent response (asserted 200)."""

    def _register(name="support-bot-01", *, tenant=None, expect=200, **fields):
        response = api.post(INIT, init_body(name, **fields), tenant=tenant)
        assert response.status_code == expect, response.json()
        return response

    return _register
