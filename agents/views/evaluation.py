"""``POST /api/v1/evaluation`` (``EvaluationViewSet``) and ``GET /api/v1/evaluators``
(``EvaluatorViewSet``): the runtime half of the v1 API."""

from agent_control_engine import list_evaluators
from agent_control_models import EvaluationRequest, EvaluationResponse
from drf_spectacular.utils import extend_schema
from pydantic import BaseModel, Field, RootModel
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.parsers import TransientJSONParser
from controlplane.api.renderers import ASCIIJSONRenderer
from controlplane.api.validation import validate_body

from ..evaluation import evaluate_step


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


class EvaluationViewSet(viewsets.ViewSet):
    """Evaluate one agent step against the agent's effective server-side controls.

    The step is evaluated, never stored, so its body is parsed without the storage checks (NUL
    characters, unpaired surrogates and deep nesting are fine), and the response escapes
    non-ASCII characters so anything the engine echoes back can be encoded.
    """

    parser_classes = [TransientJSONParser]
    renderer_classes = [ASCIIJSONRenderer]

    @extend_schema(
        request=EvaluationRequest,
        responses=EvaluationResponse,
        tags=["evaluation"],
        operation_id="evaluate",
        summary="Analyze content safety",
    )
    def create(self, request: Request) -> Response:
        """Mirrors ``POST /api/v1/evaluation``: 200 with ``is_safe``, ``confidence``,
        ``matches``/``errors``/``non_matches`` (``null`` when empty); 404 ``AGENT_NOT_FOUND``
        (unknown agent, or another tenant's); 422 ``VALIDATION_ERROR`` (body, e.g. a ``tool`` step
        whose ``input`` is not an object), ``CORRUPTED_DATA``, ``EVALUATION_FAILED``. Evaluator
        crashes are reported inside ``errors[]``, never as an HTTP error."""
        evaluation = validate_body(EvaluationRequest, request.data)
        return Response(evaluate_step(evaluation))


class EvaluatorViewSet(viewsets.ViewSet):
    """The evaluators installed in this server (``agent-control-evaluators`` entry points)."""

    @extend_schema(
        responses=EvaluatorMap,
        tags=["evaluators"],
        operation_id="list_evaluators",
        summary="List available evaluators",
    )
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
