"""Shared fixtures."""

import pytest

from tenancy.context import get_current_tenant_id


@pytest.fixture(autouse=True)
def _no_tenant_leaks():
    """Every test starts and ends in system context (no tenant bound)."""
    assert get_current_tenant_id() is None
    yield
    assert get_current_tenant_id() is None
