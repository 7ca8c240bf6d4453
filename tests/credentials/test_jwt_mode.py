"""``jwt`` mode: identity-provider bearer tokens verified with PyJWT (HS256, RS256, ES256), the
tenant from a configurable claim, the role from another; every failure a 401 with its own
message that leaks nothing (no expected audience, issuer, key or token)."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from policies.models import Policy
from tests.credentials.credential_helpers import error

pytestmark = pytest.mark.django_db

SECRET = "identity-provider-shared-secret-" + "0123456789" * 4
ISSUER = "https://idp.example.com/"
AUDIENCE = "controlplane"


@pytest.fixture
def jwt_mode(settings):
    settings.CREDENTIALS_MODE = "jwt"
    settings.CREDENTIALS_JWT_KEY = SECRET
    settings.CREDENTIALS_JWT_ALGORITHMS = ["HS256"]
    settings.CREDENTIALS_JWT_ISSUER = ISSUER
    settings.CREDENTIALS_JWT_AUDIENCE = AUDIENCE
    return settings


def claims(**changes):
    now = int(time.time())
    base = {
        "sub": "alice",
        "tenant_id": "acme",
        "role": "admin",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 600,
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def token(key=SECRET, algorithm="HS256", **changes):
    return jwt.encode(claims(**changes), key, algorithm=algorithm)


@pytest.fixture
def bearer(api):
    """``bearer(token) -> response`` of ``GET /api/v1/agents``."""

    def send(value, *, tenant=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {value}"}
        if tenant is not None:
            headers["HTTP_X_TENANT_ID"] = tenant
        return api.client.get("/api/v1/agents", **headers)

    return send


def test_valid_token_runs_in_its_tenant_claim(bearer, jwt_mode, api):
    assert bearer(token()).status_code == 200
    response = api.client.put(
        "/api/v1/policies",
        data='{"name": "baseline"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token()}",
    )
    assert response.status_code == 200
    assert list(Policy.all_tenants.values_list("tenant_id", flat=True)) == ["acme"]


def test_tenant_and_role_claims_are_configurable(bearer, jwt_mode):
    jwt_mode.CREDENTIALS_JWT_TENANT_CLAIM = "org"
    jwt_mode.CREDENTIALS_JWT_ROLE_CLAIM = "cp_role"
    assert (
        bearer(token(tenant_id=None, org="acme", role=None, cp_role="runtime")).status_code == 200
    )
    assert error(bearer(token()))[2] == "Bearer token is missing the 'org' claim."


def test_runtime_role_claim_and_absent_role_are_refused_writes(api, jwt_mode):
    for value in (token(role="runtime"), token(role=None)):
        response = api.client.put(
            "/api/v1/policies",
            data='{"name": "p"}',
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {value}",
        )
        assert error(response)[:2] == (403, "AUTH_INSUFFICIENT_PRIVILEGES")


def test_rs256_and_es256_public_keys_verify(bearer, jwt_mode):
    for private in (
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        ec.generate_private_key(ec.SECP256R1()),
    ):
        algorithm = "RS256" if isinstance(private, rsa.RSAPrivateKey) else "ES256"
        jwt_mode.CREDENTIALS_JWT_ALGORITHMS = [algorithm]
        jwt_mode.CREDENTIALS_JWT_KEY = (
            private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        assert bearer(token(private, algorithm)).status_code == 200
        assert error(bearer(token()))[2] == "Bearer token algorithm is not accepted."


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: token(key="another-secret-of-enough-length-0123456"),
            "Bearer token signature is invalid.",
        ),
        (lambda: token(exp=int(time.time()) - 60), "Bearer token has expired."),
        (lambda: token(aud="someone-else"), "Bearer token audience is not accepted."),
        (lambda: token(aud=None), "Bearer token is missing the 'aud' claim."),
        (lambda: token(iss="https://evil.example.com/"), "Bearer token issuer is not accepted."),
        (lambda: token(tenant_id=None), "Bearer token is missing the 'tenant_id' claim."),
        (lambda: token(exp=None), "Bearer token is missing the 'exp' claim."),
        (lambda: token(nbf=int(time.time()) + 600), "Bearer token is not valid yet."),
        (lambda: token(algorithm="HS512"), "Bearer token algorithm is not accepted."),
        (
            lambda: jwt.encode(claims(), None, algorithm="none"),
            "Bearer token algorithm is not accepted.",
        ),
        (lambda: "not.a.token", "Bearer token is malformed."),
        (
            lambda: token(tenant_id="bad tenant"),
            "Bearer token's 'tenant_id' claim is not a valid tenant id.",
        ),
        (lambda: token(role="root"), "Bearer token's 'role' claim must be 'admin' or 'runtime'."),
    ],
    ids=[
        "bad-signature",
        "expired",
        "wrong-audience",
        "missing-audience",
        "wrong-issuer",
        "missing-tenant-claim",
        "missing-exp",
        "not-yet-valid",
        "algorithm-not-allowed",
        "alg-none",
        "garbage",
        "malformed-tenant",
        "unknown-role",
    ],
)
def test_refused_tokens_are_401_with_distinct_messages(bearer, jwt_mode, make, message):
    response = bearer(make())
    assert error(response) == (401, "AUTH_INVALID_KEY", message, "Bearer")
    assert SECRET not in response.content.decode()
    assert AUDIENCE not in response.json()["detail"]


def test_no_token_is_401_missing_and_another_scheme_is_refused(api, jwt_mode):
    assert error(api.get("/api/v1/agents"))[:2] == (401, "AUTH_MISSING_KEY")
    basic = api.client.get("/api/v1/agents", HTTP_AUTHORIZATION="Basic YWxpY2U6cHc=")
    assert error(basic) == (
        401,
        "AUTH_INVALID_KEY",
        "Authorization header must be a Bearer token.",
        "Bearer",
    )
    empty = api.client.get("/api/v1/agents", HTTP_AUTHORIZATION="Bearer  ")
    assert error(empty)[2] == "Authorization header is empty."


def test_api_keys_are_not_credentials_in_jwt_mode(api, jwt_mode, issue_key):
    assert error(api.with_key(issue_key("acme", "admin")).get("/api/v1/agents"))[:2] == (
        401,
        "AUTH_MISSING_KEY",
    )


def test_tenant_header_must_match_the_tenant_claim(bearer, jwt_mode):
    assert bearer(token(), tenant="acme").status_code == 200
    assert error(bearer(token(), tenant="globex"))[:2] == (403, "AUTH_INSUFFICIENT_PRIVILEGES")


def test_without_configured_issuer_and_audience_a_token_with_an_audience_is_refused(
    bearer, jwt_mode
):
    jwt_mode.CREDENTIALS_JWT_ISSUER = None
    jwt_mode.CREDENTIALS_JWT_AUDIENCE = None
    assert bearer(token(iss=None, aud=None)).status_code == 200
    assert error(bearer(token(iss=None)))[2] == "Bearer token audience is not accepted."
