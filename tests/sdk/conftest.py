"""Fixtures for driving the unmodified agent-control SDK against a live server.

pytest-django's ``live_server`` serves the project from a thread of the test process on a free
loopback port, on the test database (so these tests use ``transaction=True``).
"""

import agent_control
import pytest


@pytest.fixture
def sdk_server(live_server, monkeypatch):
    """The live server's base URL, also as the SDK's configured URL (its ``@control`` decorator
    reads the settings, not ``init(server_url=...)``); the SDK's global state and its registry of
    decorated steps are reset afterwards."""
    from agent_control import _control_registry
    from agent_control import settings as sdk_settings

    monkeypatch.setattr(sdk_settings, "settings", sdk_settings.SDKSettings(url=live_server.url))
    yield live_server.url
    agent_control.shutdown()
    _control_registry.clear()
