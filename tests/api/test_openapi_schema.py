"""The generated OpenAPI schema is valid and warning-free, and documents the policy and
association operations under the reference's operation names."""

import yaml
from django.core.management import call_command


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
    assert [(p["name"], p["schema"]["type"]) for p in id_params] == [("policy_id", "integer")]
