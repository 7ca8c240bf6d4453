"""API keys as stored and checked: hashed (the secret is in no column), looked up by prefix in
one indexed query, compared in constant time, refused when revoked or expired; issued, revoked
and rotated by the services."""

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from credentials import keys
from credentials.models import ApiKey
from credentials.services import (
    api_key_authenticate,
    api_key_create,
    api_key_get,
    api_key_revoke,
    api_key_rotate,
)
from tenancy.context import tenant_context
from tenancy.exceptions import InvalidTenantId

pytestmark = pytest.mark.django_db


def test_only_the_digest_of_the_secret_is_stored():
    issued = api_key_create(tenant_id="acme", role="admin", name="ci")
    secret, stored = issued.secret, ApiKey.all_tenants.get()
    assert keys.prefix_of(secret) == stored.prefix
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    with tenant_context("acme"), connection.cursor() as cursor:  # row-level security: acme's rows
        cursor.execute("SELECT * FROM credentials_apikey")
        row = cursor.fetchone()
    assert secret not in [str(value) for value in row]
    assert secret[len(stored.prefix) + 1 :] not in "".join(str(value) for value in row)
    assert (stored.tenant_id, stored.role, stored.name) == ("acme", "admin", "ci")


def test_key_format():
    secret, prefix, digest = keys.generate()
    assert secret.startswith(prefix + "_")
    assert prefix.startswith("cpk_") and len(prefix) == 20
    assert len(secret) == 20 + 1 + 43
    assert keys.prefix_of(secret) == prefix
    assert digest == keys.digest(secret)
    assert keys.prefix_of(secret + "x") is None
    assert keys.prefix_of(" " + secret) is None


def test_secret_is_compared_in_constant_time(monkeypatch):
    issued = api_key_create(tenant_id="acme", role="runtime")
    compared = []
    real = keys.hmac.compare_digest
    monkeypatch.setattr(
        keys.hmac, "compare_digest", lambda a, b: compared.append((a, b)) or real(a, b)
    )
    assert api_key_authenticate(issued.secret) == issued.api_key
    assert compared == [(issued.api_key.digest, issued.api_key.digest)]


def test_lookup_is_one_indexed_query_by_prefix(django_assert_num_queries, settings):
    issued = api_key_create(tenant_id="acme", role="runtime")
    api_key_authenticate(issued.secret)  # records last_used_at
    with django_assert_num_queries(1) as captured:
        assert api_key_authenticate(issued.secret).prefix == issued.api_key.prefix
    sql = captured.captured_queries[0]["sql"]
    assert '"prefix" = ' in sql and "tenant_id" not in sql.split("WHERE")[1]


def test_revoked_expired_and_wrong_keys_authenticate_nothing():
    active = api_key_create(tenant_id="acme", role="runtime")
    revoked = api_key_create(tenant_id="acme", role="runtime")
    api_key_revoke(revoked.api_key)
    past = timezone.now() - timedelta(seconds=1)
    expired = api_key_create(tenant_id="acme", role="runtime", expires_at=past)
    assert api_key_authenticate(active.secret) is not None
    assert api_key_authenticate(revoked.secret) is None
    assert api_key_authenticate(expired.secret) is None
    wrong = active.secret[:-1] + ("B" if active.secret.endswith("A") else "A")
    assert api_key_authenticate(wrong) is None
    assert api_key_authenticate("cpk_0000000000000000_" + "a" * 43) is None
    assert (revoked.api_key.status(), expired.api_key.status()) == ("revoked", "expired")


def test_rotate_revokes_the_old_key_and_issues_one_with_the_same_tenant_role_name_expiry():
    expiry = timezone.now() + timedelta(days=30)
    old = api_key_create(tenant_id="acme", role="admin", name="ci", expires_at=expiry)
    new = api_key_rotate(old.api_key)
    assert new.secret != old.secret
    assert (new.api_key.tenant_id, new.api_key.role, new.api_key.name) == ("acme", "admin", "ci")
    assert new.api_key.expires_at == expiry
    assert api_key_get(old.api_key.prefix).status() == "revoked"
    assert api_key_authenticate(old.secret) is None
    assert api_key_authenticate(new.secret) == new.api_key
    with pytest.raises(ValueError, match="is revoked; only active keys rotate"):
        api_key_rotate(api_key_get(old.api_key.prefix))


def test_create_refuses_bad_input():
    with pytest.raises(InvalidTenantId):
        api_key_create(tenant_id="bad tenant", role="admin")
    with pytest.raises(ValueError, match=r"Unknown role 'root'; use one of admin, runtime\."):
        api_key_create(tenant_id="acme", role="root")
    assert ApiKey.all_tenants.count() == 0


def test_api_key_get_can_insist_on_the_tenant():
    issued = api_key_create(tenant_id="acme", role="admin")
    assert api_key_get(issued.api_key.prefix, tenant_id="acme") == issued.api_key
    with pytest.raises(ApiKey.DoesNotExist):
        api_key_get(issued.api_key.prefix, tenant_id="globex")


def test_two_tenants_sharing_a_prefix_are_told_apart_by_the_digest():
    acme = api_key_create(tenant_id="acme", role="admin")
    globex = api_key_create(tenant_id="globex", role="runtime")
    shared = acme.api_key.prefix
    forged_secret = shared + globex.secret[len(shared) :]
    ApiKey.all_tenants.filter(pk=globex.api_key.pk).update(
        prefix=shared, digest=keys.digest(forged_secret)
    )
    assert api_key_authenticate(acme.secret).tenant_id == "acme"
    assert api_key_authenticate(forged_secret).tenant_id == "globex"
    assert api_key_get(shared, tenant_id="globex").pk == globex.api_key.pk
