"""``manage.py tenant_command <tenant> <command> [args]`` and the fail-closed error's way out."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from agents.models import Agent
from tenancy.context import get_current_tenant_id
from tenancy.management.commands.tenant_command import Command as TenantCommand
from tests.factories import make_agent
from tests.tenancy.lifecycle_helpers import run_command

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    return run_command("tenant_command", *args)


def test_dumpdata_inside_a_tenant_dumps_only_its_rows():
    make_agent("acme", "acme-agent-01")
    make_agent("globex", "globex-agent-1")
    dumped = json.loads(run("acme", "dumpdata", "agents.agent", "--indent", "2"))
    assert [(row["fields"]["tenant_id"], row["fields"]["name"]) for row in dumped] == [
        ("acme", "acme-agent-01")
    ]


def test_loaddata_inside_a_tenant_loads_into_it(tmp_path):
    fixture = tmp_path / "agents.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "agents.agent",
                    "fields": {
                        "tenant_id": "acme",
                        "name": "fixture-agent",
                        "created_at": "2026-01-09T10:30:00Z",
                        "updated_at": "2026-01-09T10:30:00Z",
                    },
                }
            ]
        )
    )
    run("acme", "loaddata", str(fixture))
    assert list(Agent.all_tenants.values_list("tenant_id", "name")) == [("acme", "fixture-agent")]


def test_the_tenant_is_bound_only_while_the_command_runs(monkeypatch):
    seen = []
    monkeypatch.setattr(
        "django.core.management.commands.check.Command.handle",
        lambda self, *args, **options: seen.append(get_current_tenant_id()),
    )
    run("acme", "check")
    assert seen == ["acme"]
    assert get_current_tenant_id() is None


def test_the_tenant_is_reset_when_the_command_fails(tmp_path):
    with pytest.raises(CommandError):
        run("acme", "loaddata", str(tmp_path / "missing.json"))
    assert get_current_tenant_id() is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("bad tenant", "check"), "Invalid tenant id 'bad tenant': Tenant id may only contain"),
        (("acme", "no_such_command"), "Unknown command 'no_such_command'."),
        (("acme", "tenant_command", "globex", "check"), "tenant_command cannot run tenant_command"),
    ],
)
def test_refusals_are_clear_errors(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_dumpdata_without_a_tenant_names_the_way_out():
    make_agent("acme")
    with pytest.raises(CommandError) as raised:
        call_command("dumpdata", "agents.agent", stdout=io.StringIO())
    message = str(raised.value)
    assert "No tenant is bound for Agent queries." in message
    assert "`manage.py tenant_command <tenant id> <command> [args]`" in message
    assert "`manage.py tenant export <tenant id>`" in message
    assert "`dumpdata --all`" in message


def test_the_usage_line_shows_the_inner_arguments_as_optional():
    parser = TenantCommand().create_parser("manage.py", "tenant_command")
    assert parser.format_usage() == (
        "usage: manage.py tenant_command [options] tenant_id command_name [command_args ...]\n"
    )
