"""``manage.py tenant list | export | purge``: a tenant's rows as a unit."""

import json

import pytest
from django.core.management import CommandError

from agents.models import Agent
from credentials.services import api_key_create
from policies.models import Control
from quotas.models import TenantLimits
from tenancy.context import tenant_context
from tenancy.inventory import tenant_row_counts
from tenancy.querysets import TenantQuerySet
from tenancy.schema import tenant_models
from tests.tenancy.lifecycle_helpers import ACME_COUNTS, populate_acme, populate_globex, run_command

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    return run_command("tenant", *args)


def test_list_shows_each_tenant_with_its_row_counts():
    populate_acme()
    populate_globex()
    assert run("list").splitlines() == [
        "tenant    rows  per model",
        "acme        10  agents.agent 1, agents.agentpolicy 1, agents.agentcontrol 1, "
        "policies.control 2, policies.controlversion 1, policies.policy 1, "
        "policies.policycontrol 1, policies.controlbinding 1, "
        "observability.controlexecutionevent 1",
        "globex       2  agents.agent 1, policies.policy 1",
    ]


def test_list_without_rows_says_so():
    assert run("list") == "No tenant owns any row.\n"


def test_row_counts_cover_every_tenant_model_of_the_apps():
    populate_acme()
    apps = {"agents", "policies", "observability"}
    assert set(tenant_row_counts()["acme"]) == {
        model._meta.label_lower for model in tenant_models() if model._meta.app_label in apps
    }
    assert tenant_row_counts()["acme"] == ACME_COUNTS


def test_export_holds_every_row_of_the_tenant_and_nothing_else():
    rows = populate_acme()
    populate_globex()
    document = json.loads(run("export", "acme"))
    assert (document["format"], document["version"], document["tenant_id"]) == (
        "tenancy.tenant-export",
        1,
        "acme",
    )
    assert document["counts"] == ACME_COUNTS
    assert len(document["rows"]) == sum(ACME_COUNTS.values())
    assert {row["fields"]["tenant_id"] for row in document["rows"]} == {"acme"}
    agents = [row for row in document["rows"] if row["model"] == "agents.agent"]
    assert [(row["pk"], row["fields"]["name"]) for row in agents] == [
        (rows["agent"].pk, "support-bot-01")
    ]
    models = [row["model"] for row in document["rows"]]
    assert models.index("agents.agent") < models.index("agents.agentpolicy")
    assert models.index("policies.control") < models.index("policies.controlbinding")


def test_export_to_a_file_reports_the_count(tmp_path):
    populate_acme()
    target = tmp_path / "acme.json"
    assert run("export", "acme", "--output", str(target)) == (
        f"Exported tenant 'acme': 10 rows to {target}.\n"
    )
    assert json.loads(target.read_text())["counts"] == ACME_COUNTS


def test_export_to_a_missing_directory_is_a_command_error(tmp_path):
    populate_acme()
    target = tmp_path / "missing" / "acme.json"
    with pytest.raises(CommandError) as raised:
        run("export", "acme", "-o", str(target))
    assert str(raised.value) == f"Cannot write {target}: No such file or directory."
    assert raised.value.returncode == 1


def test_export_of_a_tenant_without_rows_is_refused_as_a_likely_typo(tmp_path):
    populate_acme()
    target = tmp_path / "acmee.json"
    with pytest.raises(CommandError) as raised:
        run("export", "acmee", "-o", str(target))
    assert str(raised.value) == (
        "Tenant 'acmee' has no rows: is the tenant id mistyped? `tenant list` shows the tenants "
        "that own rows."
    )
    assert raised.value.returncode == 1
    assert not target.exists()


def test_export_of_a_tenant_with_only_rows_that_never_travel_says_so():
    api_key_create(tenant_id="initech", role="runtime")
    with tenant_context("initech"):
        TenantLimits.objects.create(max_agents=5)
    with pytest.raises(CommandError) as raised:
        run("export", "initech")
    assert str(raised.value) == (
        "Tenant 'initech' has no rows to export: it has only rows that exports leave out "
        "(credentials.apikey 1, quotas.tenantlimits 1)."
    )


def test_export_of_a_malformed_tenant_id_is_refused():
    with pytest.raises(CommandError, match="Tenant id may only contain"):
        run("export", "not a tenant")


def test_purge_without_yes_is_a_dry_run_that_says_what_it_would_delete():
    populate_acme()
    assert run("purge", "acme") == (
        "Dry run: purging tenant 'acme' would delete 10 rows (agents.agent 1, "
        "agents.agentpolicy 1, agents.agentcontrol 1, policies.control 2, "
        "policies.controlversion 1, policies.policy 1, policies.policycontrol 1, "
        "policies.controlbinding 1, observability.controlexecutionevent 1). Nothing was "
        "deleted; run again with --yes to delete them.\n"
    )
    assert tenant_row_counts()["acme"] == ACME_COUNTS


def test_purge_dry_run_of_a_tenant_without_rows_says_so():
    assert run("purge", "acme") == "Dry run: tenant 'acme' has no rows; nothing to delete.\n"


def test_purge_deletes_every_row_of_the_tenant_only_and_reports_counts():
    populate_acme()
    populate_globex()
    assert run("purge", "acme", "--yes") == (
        "Purged tenant 'acme': 10 rows deleted (agents.agent 1, agents.agentpolicy 1, "
        "agents.agentcontrol 1, policies.control 2, policies.controlversion 1, "
        "policies.policy 1, policies.policycontrol 1, policies.controlbinding 1, "
        "observability.controlexecutionevent 1).\n"
    )
    assert tenant_row_counts() == {"globex": {"agents.agent": 1, "policies.policy": 1}}


def test_purge_of_a_tenant_without_rows_deletes_nothing():
    populate_globex()
    assert run("purge", "acme", "--yes") == "Purged tenant 'acme': 0 rows deleted.\n"
    assert Agent.all_tenants.count() == 1


def test_purge_is_atomic(monkeypatch):
    """A failure on a late model (controls come after their links and versions) undoes the
    deletes already made."""
    populate_acme()
    delete = TenantQuerySet.delete

    def refuse_controls(self):
        if self.model is Control:
            raise RuntimeError("disk on fire")
        return delete(self)

    monkeypatch.setattr(TenantQuerySet, "delete", refuse_controls)
    with pytest.raises(RuntimeError, match="disk on fire"):
        run("purge", "acme", "--yes")
    assert tenant_row_counts()["acme"] == ACME_COUNTS
