"""The generated OpenAPI schema is valid and warning-free, documents the policy and association
operations under the reference's operation names, lists every operation of the reference's OpenAPI
document (agent-control-server 8.15.0) but the web UI's sign-in (``/api/login``, ``/api/logout``:
the Django admin replaces that UI), and documents how to authenticate: the API key and bearer
schemes (Swagger UI's Authorize) and the X-Tenant-Id header on every protected operation, none on
the public ones."""

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

# ``METHOD path`` of every operation of the reference's OpenAPI document, but the two above.
REFERENCE_OPERATIONS = [
    "GET /api/config",
    "POST /api/v1/auth/runtime-token-exchange",
    "DELETE /api/v1/agents/{agent_name}/controls/{control_id}",
    "DELETE /api/v1/agents/{agent_name}/policies",
    "DELETE /api/v1/agents/{agent_name}/policies/{policy_id}",
    "DELETE /api/v1/agents/{agent_name}/policy",
    "DELETE /api/v1/control-bindings/{binding_id}",
    "DELETE /api/v1/controls/{control_id}",
    "DELETE /api/v1/policies/{policy_id}/controls/{control_id}",
    "GET /api/v1/agents",
    "GET /api/v1/agents/{agent_name}",
    "GET /api/v1/agents/{agent_name}/controls",
    "GET /api/v1/agents/{agent_name}/evaluators",
    "GET /api/v1/agents/{agent_name}/evaluators/{evaluator_name}",
    "GET /api/v1/agents/{agent_name}/policies",
    "GET /api/v1/agents/{agent_name}/policy",
    "GET /api/v1/control-bindings",
    "GET /api/v1/control-bindings/{binding_id}",
    "GET /api/v1/controls",
    "GET /api/v1/controls/schema",
    "GET /api/v1/controls/{control_id}",
    "GET /api/v1/controls/{control_id}/data",
    "GET /api/v1/controls/{control_id}/versions",
    "GET /api/v1/controls/{control_id}/versions/{version_num}",
    "GET /api/v1/evaluators",
    "GET /api/v1/observability/stats",
    "GET /api/v1/observability/stats/controls/{control_id}",
    "GET /api/v1/observability/status",
    "GET /api/v1/policies/{policy_id}/controls",
    "GET /health",
    "PATCH /api/v1/agents/{agent_name}",
    "PATCH /api/v1/control-bindings/by-key",
    "PATCH /api/v1/control-bindings/{binding_id}",
    "PATCH /api/v1/controls/{control_id}",
    "POST /api/v1/agents/initAgent",
    "POST /api/v1/agents/{agent_name}/controls/{control_id}",
    "POST /api/v1/agents/{agent_name}/policies/{policy_id}",
    "POST /api/v1/agents/{agent_name}/policy/{policy_id}",
    "POST /api/v1/control-bindings/by-key:delete",
    "POST /api/v1/control-templates/render",
    "POST /api/v1/controls/validate",
    "POST /api/v1/controls/{control_id}/clone-and-bind",
    "POST /api/v1/evaluation",
    "POST /api/v1/observability/events",
    "POST /api/v1/observability/events/query",
    "POST /api/v1/policies/{policy_id}/controls/{control_id}",
    "PUT /api/v1/control-bindings",
    "PUT /api/v1/control-bindings/by-key",
    "PUT /api/v1/controls",
    "PUT /api/v1/controls/{control_id}/data",
    "PUT /api/v1/policies",
]


def test_schema_lists_every_reference_operation(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    ours = {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item}
    assert sorted(set(REFERENCE_OPERATIONS) - ours) == []


def test_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    operations = {
        operation["operationId"]: (method.upper(), path)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    assert {
        name: operations[name]
        for name in (
            "create_policy",
            "add_control_to_policy",
            "remove_control_from_policy",
            "list_policy_controls",
            "add_agent_policy",
            "remove_agent_policy",
            "get_agent_policies",
            "remove_all_agent_policies",
            "set_agent_policy",
            "get_agent_policy",
            "delete_agent_policy",
            "add_agent_control",
            "remove_agent_control",
        )
    } == {
        "create_policy": ("PUT", "/api/v1/policies"),
        "add_control_to_policy": ("POST", "/api/v1/policies/{policy_id}/controls/{control_id}"),
        "remove_control_from_policy": (
            "DELETE",
            "/api/v1/policies/{policy_id}/controls/{control_id}",
        ),
        "list_policy_controls": ("GET", "/api/v1/policies/{policy_id}/controls"),
        "add_agent_policy": ("POST", "/api/v1/agents/{agent_name}/policies/{policy_id}"),
        "remove_agent_policy": ("DELETE", "/api/v1/agents/{agent_name}/policies/{policy_id}"),
        "get_agent_policies": ("GET", "/api/v1/agents/{agent_name}/policies"),
        "remove_all_agent_policies": ("DELETE", "/api/v1/agents/{agent_name}/policies"),
        "set_agent_policy": ("POST", "/api/v1/agents/{agent_name}/policy/{policy_id}"),
        "get_agent_policy": ("GET", "/api/v1/agents/{agent_name}/policy"),
        "delete_agent_policy": ("DELETE", "/api/v1/agents/{agent_name}/policy"),
        "add_agent_control": ("POST", "/api/v1/agents/{agent_name}/controls/{control_id}"),
        "remove_agent_control": ("DELETE", "/api/v1/agents/{agent_name}/controls/{control_id}"),
    }
    id_params = schema["paths"]["/api/v1/policies/{policy_id}/controls"]["get"]["parameters"]
    assert [(p["name"], p["schema"]["type"]) for p in id_params] == [
        ("X-Tenant-Id", "string"),
        ("policy_id", "integer"),
    ]


def test_new_operations_carry_the_reference_names(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    names = {
        (method.upper(), path): operation["operationId"]
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if "binding" in path or "template" in path or "clone" in path or "stats" in path
    }
    assert names == {
        ("PUT", "/api/v1/control-bindings"): "create_control_binding",
        ("GET", "/api/v1/control-bindings"): "list_control_bindings",
        ("GET", "/api/v1/control-bindings/{binding_id}"): "get_control_binding",
        ("PATCH", "/api/v1/control-bindings/{binding_id}"): "patch_control_binding",
        ("DELETE", "/api/v1/control-bindings/{binding_id}"): "delete_control_binding",
        ("PUT", "/api/v1/control-bindings/by-key"): "upsert_control_binding_by_key",
        ("PATCH", "/api/v1/control-bindings/by-key"): "patch_control_binding_by_key",
        ("POST", "/api/v1/control-bindings/by-key:delete"): "delete_control_binding_by_key",
        ("POST", "/api/v1/control-templates/render"): "render_control_template",
        ("POST", "/api/v1/controls/{control_id}/clone-and-bind"): "clone_and_bind_control",
        ("GET", "/api/v1/observability/stats"): "get_stats",
        ("GET", "/api/v1/observability/stats/controls/{control_id}"): "get_control_stats",
    }


@pytest.mark.parametrize(
    ("mode", "requirements"),
    [
        # Header mode takes calls without a credential: the empty requirement says so.
        ("none", [{"ApiKeyAuth": []}, {"BearerAuth": []}, {}]),
        ("api_key", [{"ApiKeyAuth": []}, {"BearerAuth": []}]),
        ("jwt", [{"ApiKeyAuth": []}, {"BearerAuth": []}]),
    ],
)
def test_schema_documents_security_schemes_and_the_tenant_header(settings, mode, requirements):
    settings.CREDENTIALS_MODE = mode
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert schema["components"]["securitySchemes"] == {
        "ApiKeyAuth": {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "An API key of your tenant (made with manage.py apikeys create TENANT).",
        },
        "BearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A token of the configured identity provider (jwt mode), or a "
            "runtime token from POST /api/v1/auth/runtime-token-exchange (evaluation).",
        },
    }
    protected, public = {}, {}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
            entry = (operation.get("security"), names)
            (protected if "security" in operation else public)[f"{method.upper()} {path}"] = entry
    assert sorted(public) == ["GET /api/config", "GET /api/v1/controls/schema", "GET /health"]
    assert list(public.values()) == [(None, [])] * 3
    expected = (requirements, ["X-Tenant-Id"])
    assert [route for route, entry in protected.items() if entry != expected] == []
    assert "POST /api/v1/auth/runtime-token-exchange" in protected


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_reference_in_the_document_resolves():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    names = set(schema["components"]["schemas"])
    refs = set(_refs(schema))
    assert {ref for ref in refs if ref.removeprefix("#/components/schemas/") not in names} == set()


def test_the_stats_time_range_parameter_is_an_inline_enum():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    (parameter,) = [
        p
        for p in schema["paths"]["/api/v1/observability/stats"]["get"]["parameters"]
        if p["name"] == "time_range"
    ]
    assert parameter["schema"] == {
        "type": "string",
        "enum": ["1m", "5m", "15m", "1h", "24h", "7d", "30d", "180d", "365d"],
        "default": "5m",
    }
