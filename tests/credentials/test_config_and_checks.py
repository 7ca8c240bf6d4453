"""``GET /api/config`` in every mode, and the system checks of the credentials settings (mode,
JWT key and algorithms, runtime token secret and lifetime, the deploy warning for the header
mode); the mode is read at call time, so overriding it takes effect on the next request."""

import pytest
from django.core.management import call_command

from credentials.checks import check_header_mode_in_production, check_mode, check_tokens

pytestmark = pytest.mark.django_db

CONFIG = "/api/config"


def test_config_in_header_mode(api):
    assert api.get(CONFIG).json() == {
        "requires_api_key": False,
        "auth_mode": "none",
        "has_active_session": False,
    }


def test_config_in_api_key_mode_reports_whether_the_key_is_valid(api, api_key_mode, issue_key):
    expected = {"requires_api_key": True, "auth_mode": "api-key", "has_active_session": False}
    assert api.get(CONFIG).json() == expected
    assert api.with_key("cpk_bad").get(CONFIG).json() == expected
    valid = api.with_key(issue_key("acme", "runtime")).get(CONFIG).json()
    assert valid == {**expected, "has_active_session": True}


def test_config_in_jwt_mode(api, settings):
    settings.CREDENTIALS_MODE = "jwt"
    settings.CREDENTIALS_JWT_KEY = "k" * 40
    assert api.get(CONFIG).json() == {
        "requires_api_key": False,
        "auth_mode": "jwt",
        "has_active_session": False,
    }


def test_mode_override_takes_effect_on_the_next_request(api, settings):
    assert api.get("/api/v1/agents").status_code == 200
    settings.CREDENTIALS_MODE = "api_key"
    assert api.get("/api/v1/agents").status_code == 401
    settings.CREDENTIALS_MODE = "none"
    assert api.get("/api/v1/agents").status_code == 200


def ids(messages):
    return [message.id for message in messages]


def test_default_settings_pass_every_check():
    assert (check_mode(), check_tokens()) == ([], [])


def test_unknown_mode_is_reported_and_refused_at_request_time(api, settings):
    settings.CREDENTIALS_MODE = "header"
    messages = check_mode()
    assert ids(messages) == ["credentials.E001"]
    assert messages[0].msg == "CREDENTIALS_MODE = 'header' is not a mode."
    assert messages[0].hint == "Use one of none, api_key, jwt."
    api.client.raise_request_exception = False
    assert api.get("/api/v1/agents").status_code == 500


def test_credential_mode_without_the_authenticator_is_reported(settings):
    settings.CREDENTIALS_MODE = "api_key"
    settings.TENANCY_AUTHENTICATOR = "tenancy.authentication.ResolverAuthenticator"
    assert ids(check_mode()) == ["credentials.E002"]


def test_jwt_mode_without_a_key_is_reported(settings):
    settings.CREDENTIALS_MODE = "jwt"
    settings.CREDENTIALS_JWT_KEY = None
    assert ids(check_mode()) == ["credentials.E003"]


@pytest.mark.parametrize(
    ("name", "value", "check_id"),
    [
        ("CREDENTIALS_JWT_ALGORITHMS", "HS256", "credentials.E004"),
        ("CREDENTIALS_JWT_ALGORITHMS", ["none"], "credentials.E004"),
        ("CREDENTIALS_JWT_ALGORITHMS", [], "credentials.E004"),
        ("CREDENTIALS_RUNTIME_TOKEN_SECRET", "short", "credentials.E005"),
        ("CREDENTIALS_RUNTIME_TOKEN_TTL_SECONDS", 0, "credentials.E006"),
        ("CREDENTIALS_RUNTIME_TOKEN_TTL_SECONDS", 86401, "credentials.E006"),
        ("CREDENTIALS_RUNTIME_TOKEN_TTL_SECONDS", "300s", "credentials.E006"),
    ],
)
def test_bad_token_settings_are_reported(settings, name, value, check_id):
    setattr(settings, name, value)
    assert ids(check_tokens()) == [check_id]


def test_deploy_check_warns_about_the_header_mode_with_debug_off(settings):
    settings.DEBUG = False
    messages = check_header_mode_in_production()
    assert ids(messages) == ["credentials.W001"]
    assert messages[0].msg == (
        "CREDENTIALS_MODE is 'none' with DEBUG off: the X-Tenant-Id header is trusted, so any "
        "caller can read and write any tenant."
    )
    settings.CREDENTIALS_MODE = "api_key"
    assert check_header_mode_in_production() == []
    settings.CREDENTIALS_MODE = "none"
    settings.DEBUG = True
    assert check_header_mode_in_production() == []


def test_check_deploy_lists_the_header_mode_warning(settings, capsys):
    settings.DEBUG = False
    call_command("check", "--deploy", "--tag", "security")
    assert "credentials.W001" in capsys.readouterr().err
