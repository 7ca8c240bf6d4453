"""``manage.py tenant import <file> [--as <tenant id>]``: checked, atomic, refuses conflicts."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from agents.models import Agent, AgentPolicy
from credentials.services import api_key_create
from policies.models import Control, ControlBinding
from quotas.models import TenantLimits
from tenancy.context import tenant_context
from tenancy.inventory import tenant_row_counts
from tenancy.transfer import tenant_export
from tests.tenancy.lifecycle_helpers import ACME_COUNTS, populate_acme, populate_globex

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme_export(tmp_path):
    """``(path, document)`` of acme's export, acme's rows kept."""
    rows = populate_acme()
    document = tenant_export("acme")
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(document, default=str))
    return path, json.loads(path.read_text()), rows


def run_import(path, *options) -> str:
    out = io.StringIO()
    call_command("tenant", "import", str(path), *options, stdout=out)
    return out.getvalue()


def write(tmp_path, document) -> str:
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(document))
    return str(path)


def test_import_as_another_tenant_copies_every_row_with_its_links(acme_export):
    path, _, rows = acme_export
    assert run_import(path, "--as", "initech") == (
        "Imported tenant 'initech': 10 rows (agents.agent 1, agents.agentpolicy 1, "
        "agents.agentcontrol 1, policies.control 2, policies.controlversion 1, "
        "policies.policy 1, policies.policycontrol 1, policies.controlbinding 1, "
        "observability.controlexecutionevent 1).\n"
    )
    counts = tenant_row_counts()
    assert counts["initech"] == counts["acme"] == ACME_COUNTS
    with tenant_context("initech"):
        agent = Agent.objects.get()
        assert agent.pk != rows["agent"].pk
        assert agent.created_at == rows["agent"].created_at
        assert list(agent.policies.values_list("name", "tenant_id")) == [("baseline", "initech")]
        assert list(agent.controls.values_list("name", flat=True)) == ["block-secret"]
        clone = Control.objects.get(name="block-secret-copy")
        assert clone.cloned_from.name == "block-secret"
        assert clone.cloned_from.tenant_id == "initech"
        assert list(ControlBinding.objects.values_list("control__name", "target_id")) == [
            ("block-secret", "prod")
        ]
    assert set(AgentPolicy.all_tenants.values_list("tenant_id", flat=True)) == {"acme", "initech"}


def test_import_restores_a_purged_tenant(acme_export):
    path, _, _ = acme_export
    call_command("tenant", "purge", "acme", "--yes", stdout=io.StringIO())
    assert "acme" not in tenant_row_counts()
    run_import(path)
    assert tenant_row_counts()["acme"] == ACME_COUNTS


def test_import_into_a_tenant_with_rows_is_refused_and_writes_nothing(acme_export):
    path, _, _ = acme_export
    populate_globex()
    with pytest.raises(CommandError) as raised:
        run_import(path, "--as", "globex")
    assert str(raised.value) == (
        "Tenant 'globex' already has rows (agents.agent 1, policies.policy 1). Import into a "
        "tenant without rows: choose another one with --as <tenant id>, or delete its rows "
        "first with `tenant purge globex --yes`."
    )
    assert tenant_row_counts()["globex"] == {"agents.agent": 1, "policies.policy": 1}


def test_import_into_a_tenant_with_only_keys_and_limits_keeps_them(acme_export):
    """Rows that never travel (``tenant_transfer = False``: API keys, limits) do not make a
    tenant occupied: an operator may prepare them before importing."""
    path, _, _ = acme_export
    api_key_create(tenant_id="initech", role="runtime", name="agent")
    with tenant_context("initech"):
        TenantLimits.objects.create(max_agents=5)
    run_import(path, "--as", "initech")
    assert tenant_row_counts()["initech"] == {
        **ACME_COUNTS,
        "credentials.apikey": 1,
        "quotas.tenantlimits": 1,
    }


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda doc: doc["rows"][0]["fields"].update(tenant_id="globex"),
            "rows[0] (agents.agent pk {agent}) belongs to tenant 'globex', not 'acme': an "
            "export holds one tenant.",
        ),
        (
            lambda doc: [
                row["fields"].update(agent=999999)
                for row in doc["rows"]
                if row["model"] == "agents.agentpolicy"
            ],
            "(agents.agentpolicy pk {link}): its agent 999999 is not a agents.agent row of the "
            "export (its parent must be a row of the same tenant).",
        ),
        (
            lambda doc: doc["rows"].append({"model": "auth.user", "pk": 1, "fields": {}}),
            "(auth.user pk 1): not a tenant model.",
        ),
        (lambda doc: doc.update(tenant_id="not a tenant"), "The export's tenant_id is invalid"),
        (lambda doc: doc.update(format="dumpdata"), "Not a tenant export"),
        (lambda doc: doc.update(version=2), "Unsupported export version 2"),
    ],
)
def test_inconsistent_exports_are_refused_naming_the_row(acme_export, tmp_path, edit, message):
    _, document, rows = acme_export
    call_command("tenant", "purge", "acme", "--yes", stdout=io.StringIO())
    edit(document)
    link = next(row["pk"] for row in document["rows"] if row["model"] == "agents.agentpolicy")
    with pytest.raises(CommandError) as raised:
        run_import(write(tmp_path, document), "--as", "initech")
    assert message.format(agent=rows["agent"].pk, link=link) in str(raised.value)
    assert tenant_row_counts() == {}


def first_row(document, model: str) -> dict:
    return next(row for row in document["rows"] if row["model"] == model)


@pytest.mark.parametrize(
    ("model", "fields", "message"),
    [
        (
            "policies.control",
            {"bogus_field": 1},
            "rows[{index}] (policies.control pk {pk}): unknown field 'bogus_field' "
            "(policies.control has no such field).",
        ),
        (
            "agents.agent",
            {"bogus_field": 1, "versions": []},
            "rows[{index}] (agents.agent pk {pk}): unknown fields 'bogus_field', 'versions' "
            "(agents.agent has no such fields).",
        ),
        (
            "agents.agent",
            {"steps": "notalist"},
            "rows[{index}] (agents.agent pk {pk}) is not valid: steps: Input should be a valid "
            "list",
        ),
        (
            "agents.agent",
            {"name": "Support Bot 01"},
            "rows[{index}] (agents.agent pk {pk}) is not valid: name: agent_name may only "
            "contain lowercase letters, digits, ':', '_' or '-'",
        ),
        (
            "policies.control",
            {"data": {"execution": "server"}},
            "rows[{index}] (policies.control pk {pk}) is not valid: data: condition: Field "
            "required; data: action: Field required",
        ),
        (
            "policies.control",
            {"data": "garbage"},
            "rows[{index}] (policies.control pk {pk}) is not valid: data: definition: Input "
            "should be a valid dictionary or instance of ControlDefinition",
        ),
    ],
)
def test_rows_are_checked_as_the_admin_checks_them_and_nothing_is_written(
    acme_export, tmp_path, model, fields, message
):
    _, document, _ = acme_export
    row = first_row(document, model)
    row["fields"].update(fields)
    index = document["rows"].index(row)
    with pytest.raises(CommandError) as raised:
        run_import(write(tmp_path, document), "--as", "initech")
    assert str(raised.value) == message.format(index=index, pk=row["pk"])
    assert "initech" not in tenant_row_counts()


def test_models_that_opt_out_are_neither_exported_nor_imported(acme_export, tmp_path, monkeypatch):
    """A credentials model sets ``tenant_transfer = False``: a copied secret would open two
    tenants."""
    _, document, _ = acme_export
    monkeypatch.setattr(ControlBinding, "tenant_transfer", False, raising=False)
    assert "policies.controlbinding" not in tenant_export("acme")["counts"]
    with pytest.raises(
        CommandError, match=r"\(policies.controlbinding pk \d+\): its rows are never"
    ):
        run_import(write(tmp_path, document), "--as", "initech")
    assert "initech" not in tenant_row_counts()


def test_invalid_as_tenant_is_refused(acme_export):
    path, _, _ = acme_export
    with pytest.raises(CommandError, match=r"--as: Tenant id may only contain"):
        run_import(path, "--as", "bad tenant")


def test_import_is_atomic_when_a_row_breaks_a_constraint(acme_export, tmp_path):
    """Two agents of one name: the second insert fails, the first is rolled back."""
    _, document, _ = acme_export
    agent = next(row for row in document["rows"] if row["model"] == "agents.agent")
    document["rows"].insert(1, {**agent, "pk": agent["pk"] + 100000})
    with pytest.raises(CommandError, match="Import refused, nothing written"):
        run_import(write(tmp_path, document), "--as", "initech")
    assert "initech" not in tenant_row_counts()


def test_unreadable_files_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*missing.json: No such file"):
        run_import(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(CommandError, match=r"bad.json is not JSON"):
        run_import(bad)
