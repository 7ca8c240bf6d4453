"""``EvaluationViewSet``: ``POST /api/v1/evaluation``, the runtime half of the v1 API."""

from agent_control_models import EvaluationRequest, EvaluationResponse
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.parsers import TransientJSONParser
from controlplane.api.renderers import ASCIIJSONRenderer
from controlplane.api.validation import validate_body

from ..evaluation import step_evaluate


class EvaluationViewSet(viewsets.ViewSet):
    """Evaluate one agent step against the agent's effective server-side controls (registered at
    the empty prefix: its one action is ``POST /evaluation``).

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
    @action(detail=False, methods=["post"])
    def evaluation(self, request: Request) -> Response:
        """Mirrors ``POST /api/v1/evaluation``: 200 with ``is_safe``, ``confidence``,
        ``matches``/``errors``/``non_matches`` (``null`` when empty); 404 ``AGENT_NOT_FOUND``
        (unknown agent, or another tenant's); 422 ``VALIDATION_ERROR`` (body, e.g. a ``tool`` step
        whose ``input`` is not an object), ``CORRUPTED_DATA``, ``EVALUATION_FAILED``. Evaluator
        crashes are reported inside ``errors[]``, never as an HTTP error."""
        evaluation = validate_body(EvaluationRequest, request.data)
        return Response(step_evaluate(request=evaluation))
