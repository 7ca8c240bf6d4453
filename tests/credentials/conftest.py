"""Fixtures for the credential modes: the mode switched on with the ``settings`` fixture (read at
call time), keys issued per tenant and role, and ``Api`` clients that send them."""

import pytest

from credentials.services import api_key_create

RUNTIME_SECRET = "runtime-token-secret-for-tests-0123456789"


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


def error(response) -> tuple:
    """``(status, error_code, detail, WWW-Authenticate or None)`` of an error response."""
    body = response.json()
    return (
        response.status_code,
        body["error_code"],
        body["detail"],
        response.get("WWW-Authenticate"),
    )
