"""``AgentLinkViewSet``: an agent's policy and direct-control links (``shared/API.md`` section
1(e)).

Registered under ``agents/<agent_name>`` (``agents/urls.py``). Integer path ids are parsed
before the agent name is checked, as FastAPI validates declared path parameters before the
reference's handler normalises the name: a bad id is a 422 ``path.<name>``, a bad name a 422
"Invalid agent_name", never a routing 404.
"""

from agent_control_models.server import (
    AssocResponse,
    DeletePolicyResponse,
    GetAgentPoliciesResponse,
    GetPolicyResponse,
    RemoveAgentControlResponse,
    SetPolicyResponse,
)
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.openapi import documented, path_int
from controlplane.api.operations import Operation, requires
from controlplane.api.validation import int_from_path

from ..names import agent_name_from_path
from ..services import associations as services
from .params import AGENT_NAME

NAME = [AGENT_NAME]
POLICY_ID = [AGENT_NAME, path_int("policy_id")]
CONTROL_ID = [AGENT_NAME, path_int("control_id")]
SUCCESS = {"success": True}


def _call(service, agent_name: str, **raw_id: str):
    """Run ``service(agent_name=<normalised>, <id name>=<int>)`` for a link route; the id is
    parsed first (its 422 wins over a bad name's, as FastAPI orders them)."""
    ((id_name, raw),) = raw_id.items()
    value = int_from_path(raw, id_name)
    return service(agent_name=agent_name_from_path(agent_name), **{id_name: value})


@extend_schema(tags=["agents"])
class AgentLinkViewSet(viewsets.ViewSet):
    """The agent's policies (``AgentPolicy`` rows, plus the single-policy compatibility routes)
    and direct controls (``AgentControl`` rows)."""

    lookup_field = "agent_name"

    @documented("add_agent_policy", AssocResponse, parameters=POLICY_ID)
    @action(detail=True, methods=["post"], url_path="policies/<str:policy_id>")
    @requires(Operation.AGENTS_UPDATE)
    def policy_link(self, request: Request, agent_name: str, policy_id: str) -> Response:
        """``POST /agents/{agent_name}/policies/{policy_id}`` -> ``{"success": true}`` (additive,
        idempotent); 404 ``AGENT_NOT_FOUND`` / ``POLICY_NOT_FOUND``."""
        _call(services.agent_add_policy, agent_name, policy_id=policy_id)
        return Response(SUCCESS)

    @policy_link.mapping.delete
    @documented("remove_agent_policy", AssocResponse, parameters=POLICY_ID)
    @requires(Operation.AGENTS_UPDATE)
    def policy_unlink(self, request: Request, agent_name: str, policy_id: str) -> Response:
        """``DELETE /agents/{agent_name}/policies/{policy_id}`` -> ``{"success": true}`` (also when
        not linked); 404 ``AGENT_NOT_FOUND`` / ``POLICY_NOT_FOUND``."""
        _call(services.agent_remove_policy, agent_name, policy_id=policy_id)
        return Response(SUCCESS)

    @documented("get_agent_policies", GetAgentPoliciesResponse, parameters=NAME)
    @action(detail=True, methods=["get"])
    @requires(Operation.AGENTS_READ)
    def policies(self, request: Request, agent_name: str) -> Response:
        """``GET /agents/{agent_name}/policies`` -> ``{"policy_ids": [int, ...]}`` (ascending);
        404 ``AGENT_NOT_FOUND``."""
        name = agent_name_from_path(agent_name)
        return Response({"policy_ids": services.agent_policy_ids(agent_name=name)})

    @policies.mapping.delete
    @documented("remove_all_agent_policies", AssocResponse, parameters=NAME)
    @requires(Operation.AGENTS_UPDATE)
    def policies_unlink(self, request: Request, agent_name: str) -> Response:
        """``DELETE /agents/{agent_name}/policies`` -> ``{"success": true}``; 404
        ``AGENT_NOT_FOUND``."""
        services.agent_remove_all_policies(agent_name=agent_name_from_path(agent_name))
        return Response(SUCCESS)

    @documented("set_agent_policy", SetPolicyResponse, parameters=POLICY_ID)
    @action(detail=True, methods=["post"], url_path="policy/<str:policy_id>")
    @requires(Operation.AGENTS_UPDATE)
    def policy_assign(self, request: Request, agent_name: str, policy_id: str) -> Response:
        """``POST /agents/{agent_name}/policy/{policy_id}`` (compatibility; replaces every link)
        -> ``{"success": true, "old_policy_id": int | null}``; 404 agent or policy."""
        old = _call(services.agent_set_policy, agent_name, policy_id=policy_id)
        return Response({"success": True, "old_policy_id": old})

    @documented("get_agent_policy", GetPolicyResponse, parameters=NAME)
    @action(detail=True, methods=["get"])
    @requires(Operation.AGENTS_READ)
    def policy(self, request: Request, agent_name: str) -> Response:
        """``GET /agents/{agent_name}/policy`` (compatibility) -> ``{"policy_id": int}`` (the
        smallest linked id); 404 ``AGENT_NOT_FOUND``, or ``POLICY_NOT_FOUND`` if none."""
        name = agent_name_from_path(agent_name)
        return Response({"policy_id": services.agent_policy_id(agent_name=name)})

    @policy.mapping.delete
    @documented("delete_agent_policy", DeletePolicyResponse, parameters=NAME)
    @requires(Operation.AGENTS_UPDATE)
    def policy_unassign(self, request: Request, agent_name: str) -> Response:
        """``DELETE /agents/{agent_name}/policy`` (compatibility; removes every link) ->
        ``{"success": true}``; 404 ``AGENT_NOT_FOUND``, or ``POLICY_NOT_FOUND`` if none."""
        services.agent_delete_policy(agent_name=agent_name_from_path(agent_name))
        return Response(SUCCESS)

    @documented("add_agent_control", AssocResponse, parameters=CONTROL_ID)
    @action(detail=True, methods=["post"], url_path="controls/<str:control_id>")
    @requires(Operation.AGENTS_UPDATE)
    def control_link(self, request: Request, agent_name: str, control_id: str) -> Response:
        """``POST /agents/{agent_name}/controls/{control_id}`` -> ``{"success": true}``
        (idempotent); 404 ``AGENT_NOT_FOUND`` / ``CONTROL_NOT_FOUND``."""
        _call(services.agent_add_control, agent_name, control_id=control_id)
        return Response(SUCCESS)

    @control_link.mapping.delete
    @documented("remove_agent_control", RemoveAgentControlResponse, parameters=CONTROL_ID)
    @requires(Operation.AGENTS_UPDATE)
    def control_unlink(self, request: Request, agent_name: str, control_id: str) -> Response:
        """``DELETE /agents/{agent_name}/controls/{control_id}`` -> ``{"success": true,
        "removed_direct_association": bool, "control_still_active": bool}``; 404 agent or
        control."""
        result = _call(services.agent_remove_control, agent_name, control_id=control_id)
        return Response({"success": True, **result})
