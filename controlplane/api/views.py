"""Project-level endpoints: ``GET /health``."""

from agent_control_models import HealthResponse
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenancy.authentication import credentials_optional

from . import COMPATIBLE_SERVER_VERSION
from .operations import public


@method_decorator(credentials_optional, name="dispatch")
class HealthView(APIView):
    """``GET /health`` -> ``{"status": "healthy", "version": "8.15.0"}`` (reference: no database
    check, no auth, a credential is ignored even if invalid; the SDK calls it before
    ``initAgent``)."""

    http_method_names = ["get", "head"]

    @extend_schema(responses=HealthResponse, tags=["system"])
    @public
    def get(self, request: Request) -> Response:
        return Response({"status": "healthy", "version": COMPATIBLE_SERVER_VERSION})
