"""Project-level endpoints: ``GET /health``."""

from agent_control_models import HealthResponse
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from controlplane import COMPATIBLE_SERVER_VERSION


@extend_schema(responses=HealthResponse, tags=["system"])
@api_view(["GET"])
def health(request: Request) -> Response:
    """``GET /health`` -> ``{"status": "healthy", "version": "8.15.0"}`` (reference: no DB check,
    no auth; the SDK calls it before ``initAgent``)."""
    return Response({"status": "healthy", "version": COMPATIBLE_SERVER_VERSION})
