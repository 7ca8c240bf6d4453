"""``EvaluationViewSet``: ``POST /api/v1/evaluation``, the runtime half of the v1 API."""

from agent_control_models import EvaluationRequest, EvaluationResponse
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.auth import require_target
from controlplane.api.operations import Operation, requires
from controlplane.api.parsers import TransientJSONParser
from controlplane.api.renderers import ASCIIJSONRenderer
from controlplane.api.validation import validate_body
from policies.targets import target_of

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
    @requires(Operation.RUNTIME_USE)
    def evaluation(self, request: Request) -> Response:
        """Mirrors ``POST /api/v1/evaluation``: 200 with ``is_safe``, ``confidence``,
        ``matches``/``errors``/``non_matches`` (``null`` when empty); 404 ``AGENT_NOT_FOUND``
        (unknown agent, or another tenant's); 422 ``VALIDATION_ERROR`` (body, e.g. a ``tool`` step
        whose ``input`` is not an object, or half a target pair), ``CORRUPTED_DATA``,
        ``EVALUATION_FAILED``; 403 ``AUTH_INSUFFICIENT_PRIVILEGES`` when a runtime token's target
        differs from the body's ``target_type`` / ``target_id``. A ``target_type``/``target_id``
        pair adds the controls bound to that target. Evaluator crashes are reported inside
        ``errors[]``, never as an HTTP error."""
        evaluation = validate_body(EvaluationRequest, request.data)
        require_target(request.user, evaluation.target_type, evaluation.target_id)
        target = target_of(evaluation.target_type, evaluation.target_id)
        return Response(step_evaluate(request=evaluation, target=target))
