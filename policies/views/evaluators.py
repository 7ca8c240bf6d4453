"""``EvaluatorViewSet``: ``GET /api/v1/evaluators``, the evaluators installed in this server."""

from agent_control_engine import list_evaluators
from drf_spectacular.utils import extend_schema
from pydantic import BaseModel, Field, RootModel
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.operations import Operation, requires


class EvaluatorInfo(BaseModel):
    """One installed evaluator, as ``GET /api/v1/evaluators`` describes it (reference shape)."""

    name: str
    version: str
    description: str
    requires_api_key: bool
    timeout_ms: int
    config_schema: dict = Field(description="JSON Schema of the evaluator's config")


class EvaluatorMap(RootModel[dict[str, EvaluatorInfo]]):
    """``GET /api/v1/evaluators``: evaluator name -> ``EvaluatorInfo``."""


class EvaluatorViewSet(viewsets.ViewSet):
    """The evaluators installed in this server (``agent-control-evaluators`` entry points)."""

    @extend_schema(
        responses=EvaluatorMap,
        tags=["evaluators"],
        operation_id="list_evaluators",
        summary="List available evaluators",
    )
    @requires(Operation.EVALUATORS_READ)
    def list(self, request: Request) -> Response:
        """Mirrors ``GET /api/v1/evaluators``: ``{name: {name, version, description,
        requires_api_key, timeout_ms, config_schema}}`` for every installed evaluator (the
        built-ins are ``json``, ``list``, ``regex``, ``sql``)."""
        return Response(
            {
                name: {
                    "name": cls.metadata.name,
                    "version": cls.metadata.version,
                    "description": cls.metadata.description,
                    "requires_api_key": cls.metadata.requires_api_key,
                    "timeout_ms": cls.metadata.timeout_ms,
                    "config_schema": cls.config_model.model_json_schema(),
                }
                for name, cls in list_evaluators().items()
            }
        )
