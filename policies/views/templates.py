"""``ControlTemplateViewSet``: ``POST /api/v1/control-templates/render`` (reference
``endpoints/control_templates.py``, 8.15.0), a preview of the control a template renders to."""

from agent_control_models import RenderControlTemplateRequest, RenderControlTemplateResponse
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane.api.openapi import documented
from controlplane.api.operations import Operation, requires
from controlplane.api.validation import validate_body

from ..services.controls import control_template_render


@extend_schema(tags=["controls"])
class ControlTemplateViewSet(viewsets.ViewSet):
    """Control templates (registered at ``control-templates``): render without storing."""

    @documented(
        "render_control_template",
        RenderControlTemplateResponse,
        request=RenderControlTemplateRequest,
    )
    @action(detail=False, methods=["post"])
    @requires(Operation.CONTROLS_CREATE)
    def render(self, request: Request) -> Response:
        """``POST /control-templates/render`` ``{"template", "template_values"}`` ->
        ``{"control": ControlDefinition}`` (``null`` fields omitted; ``template_values`` with the
        defaults filled in); 422 ``VALIDATION_ERROR`` (body; unknown keys are refused),
        ``TEMPLATE_RENDER_ERROR``, ``TEMPLATE_PARAMETER_INVALID``."""
        body = validate_body(RenderControlTemplateRequest, request.data)
        control = control_template_render(request=body)
        return Response(
            {"control": control.model_dump(mode="json", by_alias=True, exclude_none=True)}
        )
