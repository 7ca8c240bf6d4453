"""Every route declares the reference's operation next to its view action, and the permission
layer refuses a routed action that declares none."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework import viewsets
from rest_framework.test import APIRequestFactory

from controlplane.api.auth import OperationPermission
from controlplane.api.operations import PUBLIC, Operation, operation_class, requires
from tests.api.routes import operations

Op = Operation

EXPECTED = {
    ("GET", "/api/config"): PUBLIC,
    ("GET", "/api/v1/agents"): Op.AGENTS_READ,
    ("GET", "/api/v1/agents/{agent_name}"): Op.AGENTS_READ,
    ("PATCH", "/api/v1/agents/{agent_name}"): Op.AGENTS_UPDATE,
    ("GET", "/api/v1/agents/{agent_name}/controls"): Op.AGENTS_READ,
    ("DELETE", "/api/v1/agents/{agent_name}/controls/{control_id}"): Op.AGENTS_UPDATE,
    ("POST", "/api/v1/agents/{agent_name}/controls/{control_id}"): Op.AGENTS_UPDATE,
    ("GET", "/api/v1/agents/{agent_name}/evaluators"): Op.AGENTS_READ,
    ("GET", "/api/v1/agents/{agent_name}/evaluators/{evaluator_name}"): Op.AGENTS_READ,
    ("DELETE", "/api/v1/agents/{agent_name}/policies"): Op.AGENTS_UPDATE,
    ("GET", "/api/v1/agents/{agent_name}/policies"): Op.AGENTS_READ,
    ("DELETE", "/api/v1/agents/{agent_name}/policies/{policy_id}"): Op.AGENTS_UPDATE,
    ("POST", "/api/v1/agents/{agent_name}/policies/{policy_id}"): Op.AGENTS_UPDATE,
    ("DELETE", "/api/v1/agents/{agent_name}/policy"): Op.AGENTS_UPDATE,
    ("GET", "/api/v1/agents/{agent_name}/policy"): Op.AGENTS_READ,
    ("POST", "/api/v1/agents/{agent_name}/policy/{policy_id}"): Op.AGENTS_UPDATE,
    ("POST", "/api/v1/agents/initAgent"): Op.AGENTS_CREATE,
    ("POST", "/api/v1/auth/runtime-token-exchange"): Op.RUNTIME_TOKEN_EXCHANGE,
    ("GET", "/api/v1/control-bindings"): Op.CONTROL_BINDINGS_READ,
    ("PUT", "/api/v1/control-bindings"): Op.CONTROL_BINDINGS_WRITE,
    # by-key is not an id: a 422 whatever the method, as the reference's integer check.
    ("DELETE", "/api/v1/control-bindings/by-key"): Op.CONTROL_BINDINGS_READ,
    ("GET", "/api/v1/control-bindings/by-key"): Op.CONTROL_BINDINGS_READ,
    ("PATCH", "/api/v1/control-bindings/by-key"): Op.CONTROL_BINDINGS_WRITE,
    ("PUT", "/api/v1/control-bindings/by-key"): Op.CONTROL_BINDINGS_WRITE,
    ("POST", "/api/v1/control-bindings/by-key:delete"): Op.CONTROL_BINDINGS_WRITE,
    ("DELETE", "/api/v1/control-bindings/{binding_id}"): Op.CONTROL_BINDINGS_WRITE,
    ("GET", "/api/v1/control-bindings/{binding_id}"): Op.CONTROL_BINDINGS_READ,
    ("PATCH", "/api/v1/control-bindings/{binding_id}"): Op.CONTROL_BINDINGS_WRITE,
    ("POST", "/api/v1/control-templates/render"): Op.CONTROLS_CREATE,
    ("GET", "/api/v1/controls"): Op.CONTROLS_READ,
    ("PUT", "/api/v1/controls"): Op.CONTROLS_CREATE,
    ("GET", "/api/v1/controls/schema"): PUBLIC,
    ("POST", "/api/v1/controls/validate"): Op.CONTROLS_CREATE,
    ("DELETE", "/api/v1/controls/{control_id}"): Op.CONTROLS_DELETE,
    ("GET", "/api/v1/controls/{control_id}"): Op.CONTROLS_READ,
    ("POST", "/api/v1/controls/{control_id}/clone-and-bind"): Op.CONTROLS_CREATE,
    ("PATCH", "/api/v1/controls/{control_id}"): Op.CONTROLS_UPDATE,
    ("GET", "/api/v1/controls/{control_id}/data"): Op.CONTROLS_READ,
    ("PUT", "/api/v1/controls/{control_id}/data"): Op.CONTROLS_UPDATE,
    ("GET", "/api/v1/controls/{control_id}/versions"): Op.CONTROLS_READ,
    ("GET", "/api/v1/controls/{control_id}/versions/{version_num}"): Op.CONTROLS_READ,
    ("POST", "/api/v1/evaluation"): Op.RUNTIME_USE,
    ("GET", "/api/v1/evaluators"): Op.EVALUATORS_READ,
    ("POST", "/api/v1/observability/events"): Op.OBSERVABILITY_WRITE,
    ("POST", "/api/v1/observability/events/query"): Op.OBSERVABILITY_READ,
    ("GET", "/api/v1/observability/stats"): Op.OBSERVABILITY_READ,
    ("GET", "/api/v1/observability/stats/controls/{control_id}"): Op.OBSERVABILITY_READ,
    ("GET", "/api/v1/observability/status"): Op.OBSERVABILITY_READ,
    ("PUT", "/api/v1/policies"): Op.POLICIES_CREATE,
    ("GET", "/api/v1/policies/{policy_id}/controls"): Op.POLICIES_READ,
    ("DELETE", "/api/v1/policies/{policy_id}/controls/{control_id}"): Op.POLICIES_UPDATE,
    ("POST", "/api/v1/policies/{policy_id}/controls/{control_id}"): Op.POLICIES_UPDATE,
    ("GET", "/health"): PUBLIC,
    # Public to the permission layer; telemetry.access decides who may scrape.
    ("GET", "/metrics"): PUBLIC,
}


def test_every_route_declares_the_reference_operation():
    assert operations() == EXPECTED


class Undeclared(viewsets.ViewSet):
    def list(self, request):
        raise AssertionError("never reached")

    @requires(Operation.AGENTS_READ)
    def retrieve(self, request, pk=None):
        raise AssertionError("never reached")


def test_an_action_that_declares_nothing_is_a_configuration_error():
    view = Undeclared()
    view.action_map = {"get": "list"}
    request = APIRequestFactory().get("/")
    with pytest.raises(ImproperlyConfigured) as excinfo:
        OperationPermission().has_permission(request, view)
    assert str(excinfo.value) == (
        "Undeclared.list declares no operation; decorate it with @requires(Operation.<...>) or "
        "@public (controlplane.api.operations)."
    )


def test_a_method_the_view_does_not_route_is_left_to_drfs_405(api):
    view = Undeclared()
    view.action_map = {"get": "list"}
    assert OperationPermission().has_permission(APIRequestFactory().put("/"), view) is True
    response = api.put("/api/v1/agents/support-bot-01", {})
    assert (response.status_code, response.json()["error_code"]) == (405, "METHOD_NOT_ALLOWED")


def test_requires_takes_only_the_vocabulary():
    with pytest.raises(TypeError, match="requires\\(\\) needs an Operation member"):
        requires("controls.read")


def test_every_operation_falls_into_one_class_and_the_sdks_calls_are_runtime():
    classes = {op.value: operation_class(op).value for op in Operation}
    assert classes == {
        "controls.read": "read",
        "controls.create": "write",
        "controls.update": "write",
        "controls.delete": "write",
        "policies.read": "read",
        "policies.create": "write",
        "policies.update": "write",
        "agents.read": "runtime",
        "agents.create": "runtime",
        "agents.update": "write",
        "evaluators.read": "read",
        "observability.read": "read",
        "observability.write": "runtime",
        "control_bindings.read": "read",
        "control_bindings.write": "write",
        "runtime.use": "runtime",
        "runtime.token_exchange": "runtime",
    }
