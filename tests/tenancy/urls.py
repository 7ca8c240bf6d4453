"""A probe URLconf for the tenancy tests: views that report or use the bound tenant."""

import asyncio
import json

from django.http import JsonResponse
from django.urls import path

from agents.models import Agent
from policies.models import Control, Policy
from tenancy.authentication import credentials_optional
from tenancy.context import get_current_tenant_id
from tests.factories import REGEX_DENY

handler400 = "controlplane.api.handlers.bad_request"
handler500 = "controlplane.api.handlers.server_error"


def tenant_view(request):
    return JsonResponse({"tenant": get_current_tenant_id(), "request": request.tenant_id})


async def async_tenant_view(request):
    await asyncio.sleep(float(request.GET.get("delay", "0")))
    return JsonResponse({"tenant": get_current_tenant_id(), "request": request.tenant_id})


def principal_view(request):
    principal = request.principal
    return JsonResponse(
        {
            "tenant": get_current_tenant_id(),
            "request": request.tenant_id,
            "principal": None if principal is None else str(principal),
        }
    )


@credentials_optional
def public_view(request):
    return principal_view(request)


def raising_view(request):
    raise RuntimeError("boom")


def create_rows_view(request):
    body = json.loads(request.body or b"{}")
    agent = Agent.objects.create(name=body.get("agent", "support-bot-01"))
    policy = Policy.objects.create(name=body.get("policy", "baseline"))
    control = Control.objects.create(name=body.get("control", "block-secret"), data=REGEX_DENY)
    return JsonResponse(
        {"agent": agent.tenant_id, "policy": policy.tenant_id, "control": control.tenant_id}
    )


urlpatterns = [
    path("probe/tenant", tenant_view),
    path("probe/async-tenant", async_tenant_view),
    path("probe/principal", principal_view),
    path("probe/public", public_view),
    path("probe/raise", raising_view),
    path("probe/rows", create_rows_view),
]
