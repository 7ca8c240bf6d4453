"""Fixtures for driving the unmodified agent-control SDK against a live server.

pytest-django's ``live_server`` serves the project from a thread of the test process on a free
loopback port, on the test database (so these tests use ``transaction=True``).
"""

import asyncio

import agent_control
import pytest


@pytest.fixture
def sdk_server(live_server):
    """The live server's base URL; the SDK's global state is reset afterwards."""
    yield live_server.url
    agent_control.shutdown()


def run(coroutine):
    """Run one SDK coroutine to completion (the SDK's helpers are async)."""
    return asyncio.run(coroutine)
