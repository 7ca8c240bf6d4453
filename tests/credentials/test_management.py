"""Operators' key management: ``manage.py apikeys`` (create prints the secret once, list, revoke,
rotate per tenant) and the admin (list columns, create shows the secret once, revoke action)."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from credentials.models import ApiKey
from credentials.services import api_key_authenticate, api_key_create

pytestmark = pytest.mark.django_db

INVALID_TENANT = "Tenant id may only contain letters, digits, '.', '_', ':' and '-'."


def apikeys(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("apikeys", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_only_the_secret_on_stdout_and_stores_its_hash():
    out, err = apikeys("create", "acme", "--role", "admin", "--name", "ci runner")
    secret = out.strip()
    key = ApiKey.all_tenants.get()
    assert api_key_authenticate(secret) == key
    assert (key.tenant_id, key.role, key.name, key.expires_at) == (
        "acme",
        "admin",
        "ci runner",
        None,
    )
    assert err.strip() == (
        f"Created admin key {key.prefix} for tenant 'acme'. The secret below is shown once; "
        "only its hash is stored."
    )


def test_create_defaults_to_a_runtime_key_and_takes_an_expiry():
    before = timezone.now()
    apikeys("create", "acme", "--expires-in-days", "90")
    key = ApiKey.all_tenants.get()
    assert key.role == "runtime"
    assert timedelta(days=90) <= key.expires_at - before < timedelta(days=90, seconds=5)
    apikeys("create", "globex", "--expires-at", "2030-01-31T00:00")
    assert ApiKey.all_tenants.get(tenant_id="globex").expires_at.isoformat() == (
        "2030-01-31T00:00:00+00:00"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "bad tenant"), INVALID_TENANT),
        (("create", "acme", "--expires-in-days", "0"), "--expires-in-days must be at least 1."),
        (
            ("create", "acme", "--expires-at", "soon"),
            "--expires-at: Invalid isoformat string: 'soon'",
        ),
        (
            ("revoke", "cpk_0000000000000000"),
            "No API key with prefix 'cpk_0000000000000000'.",
        ),
        (
            ("create", "acme", "--expires-at", "2020-01-31T00:00"),
            "--expires-at must be in the future (2020-01-31 00:00 UTC has passed).",
        ),
        (
            ("create", "acme", "--expires-at", "2020-01-31T02:00+02:00"),
            "--expires-at must be in the future (2020-01-31 00:00 UTC has passed).",
        ),
        (("list", "--tenant", "bad id!"), INVALID_TENANT),
        (("revoke", "cpk_0000000000000000", "--tenant", "bad id!"), INVALID_TENANT),
        (
            ("rotate", "cpk_0000"),
            "Not a key prefix (not repeated here): a prefix is cpk_ and 16 hex digits, as "
            "`apikeys list` shows.",
        ),
    ],
)
def test_bad_arguments_are_command_errors(args, message):
    with pytest.raises(CommandError) as raised:
        apikeys(*args)
    assert str(raised.value) == message
    assert ApiKey.all_tenants.count() == 0


@pytest.mark.parametrize("action", ["revoke", "rotate"])
def test_a_whole_key_given_as_the_prefix_is_never_printed_back(action):
    issued = api_key_create(tenant_id="acme", role="admin")
    for argument in (issued.secret, issued.secret[:-5]):
        with pytest.raises(CommandError) as raised:
            apikeys(action, argument)
        assert issued.secret[len(issued.api_key.prefix) :][:8] not in str(raised.value)
    with pytest.raises(CommandError) as raised:
        apikeys(action, issued.secret)
    assert str(raised.value) == (
        "That is a whole key, secret included (not repeated here); name the key by its prefix: "
        f"{issued.api_key.prefix}."
    )
    assert api_key_authenticate(issued.secret) == issued.api_key


def test_list_shows_active_keys_per_tenant_and_all_with_the_flag():
    acme = api_key_create(tenant_id="acme", role="admin", name="ci").api_key
    globex = api_key_create(tenant_id="globex", role="runtime").api_key
    apikeys("revoke", api_key_create(tenant_id="acme", role="runtime").api_key.prefix)
    lines = apikeys("list")[0].splitlines()
    assert lines[0].split() == [
        "prefix",
        "tenant",
        "role",
        "name",
        "created",
        "last",
        "used",
        "expires",
        "status",
    ]
    assert [line.split()[:3] for line in lines[1:]] == [
        [acme.prefix, "acme", "admin"],
        [globex.prefix, "globex", "runtime"],
    ]
    assert [
        line.split()[0] for line in apikeys("list", "--tenant", "acme")[0].splitlines()[1:]
    ] == [acme.prefix]
    everything = apikeys("list", "--all", "--tenant", "acme")[0].splitlines()[1:]
    assert [line.split()[-1] for line in everything] == ["active", "revoked"]


def test_revoke_is_effective_at_once_and_can_insist_on_the_tenant():
    issued = api_key_create(tenant_id="acme", role="admin")
    with pytest.raises(CommandError, match="in tenant 'globex'"):
        apikeys("revoke", issued.api_key.prefix, "--tenant", "globex")
    assert api_key_authenticate(issued.secret) is not None
    _, err = apikeys("revoke", issued.api_key.prefix, "--tenant", "acme")
    assert err.startswith(f"Revoked {issued.api_key.prefix} (acme, admin) at ")
    assert api_key_authenticate(issued.secret) is None


def test_rotate_prints_the_replacement_and_revokes_the_old_key():
    old = api_key_create(tenant_id="acme", role="admin", name="ci")
    out, err = apikeys("rotate", old.api_key.prefix)
    new = api_key_authenticate(out.strip())
    assert (new.tenant_id, new.role, new.name) == ("acme", "admin", "ci")
    assert api_key_authenticate(old.secret) is None
    assert err.startswith(f"Revoked {old.api_key.prefix}; created admin key {new.prefix} ")
    with pytest.raises(CommandError, match=r"is revoked; only active keys rotate\."):
        apikeys("rotate", old.api_key.prefix)


def test_admin_lists_keys_with_tenant_role_prefix_dates_and_revocation(operator):
    key = api_key_create(tenant_id="acme", role="admin", name="ci").api_key
    response = operator.get("/admin/credentials/apikey/")
    assert response.status_code == 200
    assert tuple(response.context["cl"].list_display) == (
        "action_checkbox",
        "prefix",
        "tenant_id",
        "name",
        "role",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked",
    )
    assert [k.prefix for k in response.context["cl"].result_list] == [key.prefix]


KEY_FORM = {"name": "support-bot prod", "role": "runtime", "expires_at_0": "", "expires_at_1": ""}


def shown_secret(page: str) -> str | None:
    found = re.search(r'<code id="api-key-secret">([^<]+)</code>', page)
    return found and found[1]


def test_admin_create_redirects_to_the_secret_shown_once_and_stores_only_its_hash(operator):
    response = operator.post("/admin/credentials/apikey/add/", {"tenant_id": "acme", **KEY_FORM})
    key = ApiKey.all_tenants.get()
    assert (response.status_code, response["Location"]) == (
        302,
        f"/admin/credentials/apikey/{key.pk}/created/",
    )
    page = operator.get(response["Location"])
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    secret = shown_secret(page.content.decode())
    assert api_key_authenticate(secret) == key
    assert (key.tenant_id, key.role, key.name) == ("acme", "runtime", "support-bot prod")
    assert (
        f"A <strong>runtime</strong> key of tenant <strong>acme</strong> was created: <strong>{key.prefix}</strong>."
        in page.content.decode()
    )
    assert re.search(
        r'<a href="/admin/credentials/apikey/" id="api-key-next">Back to the API keys</a>',
        page.content.decode(),
    )
    assert secret not in str(dict(operator.session))
    change = operator.get(f"/admin/credentials/apikey/{key.pk}/change/").content.decode()
    assert secret not in change
    assert key.prefix in change


def test_reloading_the_secret_page_shows_no_secret_and_creates_no_key(operator):
    response = operator.post("/admin/credentials/apikey/add/", {"tenant_id": "acme", **KEY_FORM})
    first = operator.get(response["Location"]).content.decode()
    again = operator.get(response["Location"]).content.decode()
    key = ApiKey.all_tenants.get()
    assert shown_secret(first) is not None
    assert shown_secret(again) is None
    assert (
        f"If it was not\ncopied, issue a new secret: <code>manage.py apikeys rotate {key.prefix}</code>"
        in again
    )
    assert ApiKey.all_tenants.count() == 1


@pytest.mark.parametrize(
    ("button", "follow"),
    [
        (
            "_continue",
            '<a href="/admin/credentials/apikey/{pk}/change/" id="api-key-next">Edit the key</a>',
        ),
        (
            "_addanother",
            '<a href="/admin/credentials/apikey/add/acme/" id="api-key-next">Add another key</a>',
        ),
    ],
)
def test_save_and_continue_or_add_another_show_the_secret_then_lead_on(operator, button, follow):
    response = operator.post(
        "/admin/credentials/apikey/add/acme/", {**KEY_FORM, "role": "admin", button: "1"}
    )
    key = ApiKey.all_tenants.get()
    assert response["Location"] == f"/admin/credentials/apikey/{key.pk}/created/"
    page = operator.get(response["Location"]).content.decode()
    assert api_key_authenticate(shown_secret(page)) == key
    assert "An <strong>admin</strong> key of tenant <strong>acme</strong> was created" in page
    assert follow.format(pk=key.pk) in page
    assert operator.get(response["Location"]).status_code == 200
    assert ApiKey.all_tenants.count() == 1


def test_admin_revoke_action(operator):
    first = api_key_create(tenant_id="acme", role="admin")
    second = api_key_create(tenant_id="globex", role="runtime")
    response = operator.post(
        "/admin/credentials/apikey/",
        {
            "action": "revoke_selected",
            "_selected_action": [first.api_key.pk, second.api_key.pk],
        },
        follow=True,
    )
    assert "Revoked 2 API key(s)." in response.content.decode()
    assert api_key_authenticate(first.secret) is None
    assert api_key_authenticate(second.secret) is None
