"""Fixtures for the credential modes: the mode switched on with the ``settings`` fixture (read at
call time), keys issued per tenant and role, and ``Api`` clients that send them."""

import pytest

from credentials.services import api_key_create
from tests.credentials.credential_helpers import RUNTIME_SECRET


@pytest.fixture
def api_key_mode(settings):
    settings.CREDENTIALS_MODE = "api_key"
    settings.CREDENTIALS_RUNTIME_TOKEN_SECRET = RUNTIME_SECRET
    return settings


@pytest.fixture
def issue_key(db):
    """``issue_key("acme", "admin", expires_at=None) -> secret``."""

    def issue(tenant, role="runtime", **fields):
        return api_key_create(tenant_id=tenant, role=role, **fields).secret

    return issue


@pytest.fixture
def acme_admin(api, api_key_mode, issue_key):
    return api.with_key(issue_key("acme", "admin"))


@pytest.fixture
def acme_runtime(api, api_key_mode, issue_key):
    return api.with_key(issue_key("acme", "runtime"))
