"""Runtime token exchange (``POST /api/v1/auth/runtime-token-exchange``) and use: the reference's
wire shape and claims, bound to the caller's tenant and one target, accepted by the evaluation
route only, refused when expired, forged, or used for another target; 503 without a secret."""

import json
import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from django.utils import timezone

from credentials.services import api_key_create
from tests.credentials.credential_helpers import RUNTIME_SECRET, error
from tests.factories import REGEX_DENY, make_agent, make_control

pytestmark = pytest.mark.django_db

EXCHANGE = "/api/v1/auth/runtime-token-exchange"
TARGET = {"target_type": "env", "target_id": "prod"}
AGENT = "support-bot-01"


def evaluation(**target):
    step = {"type": "llm", "name": "answer", "input": "my secret"}
    return {"agent_name": AGENT, "step": step, "stage": "pre", **target}


@pytest.fixture
def guarded():
    """acme's agent with a control that denies 'secret' in the input."""
    agent = make_agent("acme", AGENT, steps=[{"type": "llm", "name": "answer"}])
    agent.controls.add(make_control("acme", "block-secret", REGEX_DENY))
    return agent


def bearer(api, token, path="/api/v1/evaluation", body=None, method="post"):
    client = api.client
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(path, **kwargs)


def test_exchange_returns_the_reference_shape_and_a_token_bound_to_tenant_and_target(
    acme_runtime,
):
    before = datetime.now(UTC)
    response = acme_runtime.post(EXCHANGE, TARGET)
    assert response.status_code == 200
    body = response.json()
    assert sorted(body) == ["expires_at", "scopes", "target_id", "target_type", "token"]
    assert (body["target_type"], body["target_id"], body["scopes"]) == (
        "env",
        "prod",
        ["runtime.use"],
    )
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert body["expires_at"].endswith("Z")
    assert timedelta(seconds=299) < expires_at - before <= timedelta(seconds=301)
    assert jwt.get_unverified_header(body["token"]) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(body["token"], RUNTIME_SECRET, algorithms=["HS256"])
    assert list(claims) == [
        "iss",
        "domain",
        "namespace_key",
        "actor_id",
        "target_type",
        "target_id",
        "scopes",
        "iat",
        "exp",
        "jti",
    ]
    assert {
        k: claims[k] for k in ("iss", "domain", "namespace_key", "target_type", "target_id")
    } == {
        "iss": "agent-control/server",
        "domain": "runtime",
        "namespace_key": "acme",
        "target_type": "env",
        "target_id": "prod",
    }
    assert claims["actor_id"].startswith("cpk_")
    assert claims["exp"] == int(expires_at.timestamp())
    assert len(claims["jti"]) == 22


def test_token_evaluates_in_its_tenant_for_its_target(api, acme_runtime, guarded):
    token = acme_runtime.post(EXCHANGE, TARGET).json()["token"]
    verdict = bearer(api, token, body=evaluation(**TARGET))
    assert verdict.status_code == 200
    assert verdict.json()["is_safe"] is False


def test_token_of_another_tenant_finds_no_agent(api, api_key_mode, issue_key, guarded):
    globex = api.with_key(issue_key("globex", "runtime"))
    token = globex.post(EXCHANGE, TARGET).json()["token"]
    response = bearer(api, token, body=evaluation(**TARGET))
    assert (response.status_code, response.json()["error_code"]) == (404, "AGENT_NOT_FOUND")


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            {"target_type": "session", "target_id": "prod"},
            "Runtime token target_type does not match the request.",
        ),
        (
            {"target_type": "env", "target_id": "staging"},
            "Runtime token target_id does not match the request.",
        ),
        ({}, "Runtime token target_type does not match the request."),
    ],
    ids=["other-type", "other-id", "no-target"],
)
def test_token_used_for_another_target_is_403(api, acme_runtime, guarded, target, message):
    token = acme_runtime.post(EXCHANGE, TARGET).json()["token"]
    response = bearer(api, token, body=evaluation(**target))
    assert error(response) == (403, "AUTH_INSUFFICIENT_PRIVILEGES", message, None)


def test_token_means_nothing_on_management_routes(api, acme_runtime):
    token = acme_runtime.post(EXCHANGE, TARGET).json()["token"]
    response = bearer(api, token, path="/api/v1/agents", method="get")
    assert error(response) == (
        403,
        "AUTH_INSUFFICIENT_PRIVILEGES",
        "Runtime token does not grant 'agents.read'.",
        None,
    )


def _forge(**changes):
    now = int(time.time())
    claims = {
        "iss": "agent-control/server",
        "domain": "runtime",
        "namespace_key": "acme",
        "actor_id": "cpk_x",
        "target_type": "env",
        "target_id": "prod",
        "scopes": ["runtime.use"],
        "iat": now,
        "exp": now + 60,
    }
    claims.update(changes)
    key = claims.pop("key", RUNTIME_SECRET)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm="HS256")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: _forge(exp=int(time.time()) - 10), "Runtime token has expired."),
        (lambda: _forge(key="x" * 40), "Runtime token is invalid: Signature verification failed"),
        (
            lambda: _forge(domain="management"),
            "Token is not a runtime token; refusing to use it here.",
        ),
        (
            lambda: _forge(domain=None),
            'Runtime token is invalid: Token is missing the "domain" claim',
        ),
        (lambda: _forge(namespace_key=""), "Runtime token missing namespace_key."),
        (lambda: _forge(target_id=None), "Runtime token missing target_id."),
        (lambda: _forge(scopes="runtime.use"), "Runtime token has malformed scopes."),
        (lambda: _forge(aud="x"), "Runtime token is invalid: Invalid audience"),
        (lambda: "garbage", "Runtime token is invalid: Not enough segments"),
    ],
    ids=[
        "expired",
        "forged",
        "domain",
        "no-domain",
        "no-tenant",
        "no-target",
        "scopes",
        "aud",
        "garbage",
    ],
)
def test_refused_runtime_tokens_are_401_with_distinct_messages(
    api, api_key_mode, guarded, make, message
):
    response = bearer(api, make(), body=evaluation(**TARGET))
    assert error(response) == (401, "AUTH_INVALID_KEY", message, "ApiKey")
    assert response.json()["hint"] == "Re-exchange a fresh runtime token and retry."


def test_token_without_runtime_use_is_403_on_evaluation(api, api_key_mode, guarded):
    response = bearer(api, _forge(scopes=[]), body=evaluation(**TARGET))
    assert error(response)[:3] == (
        403,
        "AUTH_INSUFFICIENT_PRIVILEGES",
        "Runtime token does not grant 'runtime.use'.",
    )


def test_exchange_without_a_secret_is_503_auth_misconfigured(acme_runtime, settings):
    settings.CREDENTIALS_RUNTIME_TOKEN_SECRET = None
    response = acme_runtime.post(EXCHANGE, TARGET)
    assert error(response) == (
        503,
        "AUTH_MISCONFIGURED",
        "Server authentication is misconfigured. Contact administrator.",
        None,
    )
    assert response.json()["reason"] == "ServiceUnavailable"
    assert "hint" not in response.json()


def test_exchange_in_header_mode_is_503(api, settings):
    settings.CREDENTIALS_RUNTIME_TOKEN_SECRET = RUNTIME_SECRET
    assert error(api.post(EXCHANGE, TARGET))[:2] == (503, "AUTH_MISCONFIGURED")


def test_exchange_without_a_key_is_401(api, api_key_mode):
    assert error(api.post(EXCHANGE, TARGET))[:2] == (401, "AUTH_MISSING_KEY")


@pytest.mark.parametrize(
    ("body", "detail", "errors"),
    [
        ([1], "Runtime token exchange body must be a valid JSON object.", None),
        (
            {"target_type": "", "target_id": 3},
            "Request validation failed with 2 error(s)",
            [("target_type", "string_too_short"), ("target_id", "string_type")],
        ),
        (
            {"target_id": "prod"},
            "Request validation failed with 1 error(s)",
            [("target_type", "missing")],
        ),
        (
            {**TARGET, "bogus": 1},
            "Request validation failed with 1 error(s)",
            [("bogus", "extra_forbidden")],
        ),
    ],
    ids=["not-an-object", "empty-and-not-string", "missing", "extra-field"],
)
def test_exchange_body_errors_are_422(acme_runtime, body, detail, errors):
    response = acme_runtime.post(EXCHANGE, body)
    assert error(response)[:3] == (422, "VALIDATION_ERROR", detail)
    found = response.json().get("errors")
    assert (None if found is None else [(e["field"], e["code"]) for e in found]) == errors


def test_token_never_outlives_the_key_that_exchanged_it(api, api_key_mode):
    soon = timezone.now() + timedelta(seconds=30)
    key = api_key_create(tenant_id="acme", role="runtime", expires_at=soon).secret
    body = api.with_key(key).post(EXCHANGE, TARGET).json()
    assert datetime.fromisoformat(body["expires_at"]) == soon


def test_jwt_mode_exchanges_an_identity_token_and_accepts_the_runtime_token(api, settings, guarded):
    secret = "identity-provider-secret-" + "0" * 40
    settings.CREDENTIALS_MODE = "jwt"
    settings.CREDENTIALS_JWT_KEY = secret
    settings.CREDENTIALS_RUNTIME_TOKEN_SECRET = RUNTIME_SECRET
    identity = jwt.encode(
        {"tenant_id": "acme", "sub": "alice", "exp": int(time.time()) + 60}, secret, "HS256"
    )
    exchanged = bearer(api, identity, path=EXCHANGE, body=TARGET)
    assert exchanged.status_code == 200
    claims = jwt.decode(exchanged.json()["token"], RUNTIME_SECRET, algorithms=["HS256"])
    assert (claims["namespace_key"], claims["actor_id"]) == ("acme", "alice")
    verdict = bearer(api, exchanged.json()["token"], body=evaluation(**TARGET))
    assert (verdict.status_code, verdict.json()["is_safe"]) == (200, False)
