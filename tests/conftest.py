"""Shared fixtures."""

import json as jsonlib

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from tenancy.context import get_current_tenant_id


def pytest_configure(config):
    """Fast password hashing: the admin tests log operators in; PBKDF2 would cost 0.4 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_tenant_leaks():
    """Every test starts and ends in system context (no tenant bound)."""
    assert get_current_tenant_id() is None
    yield
    assert get_current_tenant_id() is None


class Api:
    """A JSON client for the v1 API: ``api.put("/api/v1/policies", {"name": "p"}, tenant="acme")``.

    ``tenant=None`` sends no ``X-Tenant-Id`` header (the default tenant); ``headers`` are sent
    with every request (``api.with_key(secret)`` adds ``X-API-Key``).
    """

    def __init__(self, client, tenant=None, headers=None):
        self.client = client
        self.tenant = tenant
        self.headers = headers or {}

    def as_tenant(self, tenant):
        return Api(self.client, tenant, self.headers)

    def with_key(self, key):
        """The same client sending ``X-API-Key: key`` (and no tenant header)."""
        return Api(self.client, None, {**self.headers, "X-API-Key": key})

    def request(self, method, path, body=None, *, tenant=..., **query):
        tenant = self.tenant if tenant is ... else tenant
        headers = dict(self.headers) if tenant is None else {**self.headers, "X-Tenant-Id": tenant}
        kwargs = {"headers": headers}
        if body is not None:
            kwargs["data"] = jsonlib.dumps(body)
            kwargs["content_type"] = "application/json"
        if query:
            kwargs["query_params"] = query
        if body is None and method == "post":
            # No Content-Type, as the SDK sends its body-less POSTs (Django's client.post would
            # send an empty multipart form, which the API refuses like a browser's form post).
            return self.client.generic("POST", path, **kwargs)
        return getattr(self.client, method)(path, **kwargs)

    def get(self, path, **kw):
        return self.request("get", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("post", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("put", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("patch", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("delete", path, **kw)


@pytest.fixture
def api(client):
    """``Api`` bound to Django's test client, no tenant header by default."""
    return Api(client)


@pytest.fixture
def operator(client):
    """Django's test client logged in as a superuser (the admin's operator)."""
    user = get_user_model().objects.create_superuser("operator", "op@example.com", "pw")
    client.force_login(user)
    return client
