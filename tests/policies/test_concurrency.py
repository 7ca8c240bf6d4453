"""Race safety of the policy, association and binding writes (PostgreSQL only: SQLite serialises
writers, so these races cannot happen there). Each case runs the same service call in several
threads at once and checks the end state, which must not depend on the interleaving."""

import threading

import pytest
from agent_control_models.server import CreatePolicyRequest, UpsertControlBindingRequest
from django.db import connection, connections

from agents.models import AgentPolicy
from agents.services.associations import agent_set_policy
from controlplane.api.exceptions import APIError
from policies.models import ControlBinding, Policy, PolicyControl
from policies.services.bindings import binding_upsert
from policies.services.policies import policy_add_control, policy_create
from tenancy.context import tenant_context
from tests.factories import make_agent, make_control, make_policy

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 4


def run_concurrently(call, args_list):
    """Run ``call(*args)`` for each args in ``args_list`` in its own thread, all released at
    once, in tenant acme; return the results (or exceptions) in order."""
    barrier = threading.Barrier(len(args_list))
    results = [None] * len(args_list)

    def worker(index, args):
        try:
            with tenant_context("acme"):
                barrier.wait()
                results[index] = call(*args)
        except Exception as exc:  # collected and asserted by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=item) for item in enumerate(args_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_creates_of_one_name_give_one_policy_and_409s():
    request = CreatePolicyRequest(name="baseline")
    results = run_concurrently(lambda: policy_create(request=request), [()] * THREADS)
    created = [r for r in results if isinstance(r, Policy)]
    conflicts = [r for r in results if isinstance(r, APIError)]
    assert len(created) == 1
    assert [(e.status_code, e.error_code) for e in conflicts] == [(409, "POLICY_NAME_CONFLICT")] * (
        THREADS - 1
    )
    assert list(Policy.all_tenants.values_list("tenant_id", "name")) == [("acme", "baseline")]


def test_concurrent_adds_of_one_control_leave_one_link():
    policy, control = make_policy("acme"), make_control("acme")
    results = run_concurrently(
        lambda: policy_add_control(policy_id=policy.pk, control_id=control.pk), [()] * THREADS
    )
    assert results == [None] * THREADS
    assert list(PolicyControl.all_tenants.values_list("tenant_id", "policy_id")) == [
        ("acme", policy.pk)
    ]


def test_concurrent_upserts_of_one_binding_key_create_it_once():
    control = make_control("acme")
    request = UpsertControlBindingRequest(
        target_type="env", target_id="prod", control_id=control.pk, enabled=False
    )
    results = run_concurrently(lambda: binding_upsert(request=request), [()] * THREADS)
    assert sorted(result["created"] for result in results) == [False] * (THREADS - 1) + [True]
    assert len({result["binding_id"] for result in results}) == 1
    assert list(ControlBinding.all_tenants.values_list("tenant_id", "enabled")) == [("acme", False)]


def test_concurrent_compatibility_assignments_leave_exactly_one_link():
    agent = make_agent("acme")
    policies = [make_policy("acme", f"policy-{i}") for i in range(THREADS)]
    results = run_concurrently(
        lambda policy: agent_set_policy(agent_name=agent.name, policy_id=policy.pk),
        [(policy,) for policy in policies],
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert AgentPolicy.all_tenants.filter(agent=agent).count() == 1
    assert results.count(None) == 1  # only the first to take the agent's lock saw no link


@pytest.mark.parametrize("force", [False, True])
def test_delete_racing_attaches_never_leaves_links_to_a_deleted_control(force):
    """Found by review: attaches used to read the control without a lock, so a concurrent soft
    delete could succeed while links to the control were being written."""
    from agents.models import AgentControl
    from agents.services.associations import agent_add_control
    from policies.models import Control
    from policies.services.controls import control_delete

    agent, policy = make_agent("acme"), make_policy("acme")
    for round_index in range(10):
        control = make_control("acme", f"raced-{round_index}")
        calls = [
            lambda c=control: control_delete(control_id=c.pk, force=force),
            lambda c=control: agent_add_control(agent_name=agent.name, control_id=c.pk),
            lambda c=control: policy_add_control(policy_id=policy.pk, control_id=c.pk),
        ]
        results = run_concurrently(lambda call: call(), [(call,) for call in calls])
        deleted = Control.all_tenants.filter(pk=control.pk, deleted_at__isnull=False).exists()
        links = AgentControl.all_tenants.filter(control=control).count() + (
            PolicyControl.all_tenants.filter(control=control).count()
        )
        if deleted:
            assert links == 0
            assert isinstance(results[0], dict)
        else:  # the delete lost the race to an attach and was refused
            assert (results[0].status_code, results[0].error_code) == (409, "CONTROL_IN_USE")
            assert links >= 1
