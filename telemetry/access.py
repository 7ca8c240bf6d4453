"""Who may scrape ``/metrics``.

Public when ``telemetry.conf.metrics_public()`` says so (by default: authentication is off, as the
reference serves it). Otherwise a scrape needs ``Authorization: Bearer <TELEMETRY_SCRAPE_TOKEN>``
(compared in constant time; Prometheus' ``authorization`` scrape option sends it) or a client
address inside ``TELEMETRY_SCRAPE_NETWORKS`` (CIDR, e.g. ``10.0.0.0/8``; ``REMOTE_ADDR``, so
behind a proxy prefer the token). Refusals use the API envelope: a wrong token is 401
``AUTH_INVALID_KEY``, anything else 403 ``AUTH_INSUFFICIENT_PRIVILEGES``.
"""

import hmac
import ipaddress

from django.http import HttpRequest

from controlplane.api.exceptions import APIError, ErrorCode

from .conf import get_setting, metrics_public

RESTRICTED_HINT = (
    "Scrape with 'Authorization: Bearer <TELEMETRY_SCRAPE_TOKEN>' or from a network listed in "
    "TELEMETRY_SCRAPE_NETWORKS."
)


def scrape_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``TELEMETRY_SCRAPE_NETWORKS`` parsed (``ValueError`` on a malformed entry; check
    ``telemetry.E002`` reports it at start-up)."""
    return [
        ipaddress.ip_network(str(net).strip(), strict=False)
        for net in get_setting("SCRAPE_NETWORKS")
    ]


def _client_in_networks(request: HttpRequest) -> bool:
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(client in network for network in scrape_networks())


def _bearer(request: HttpRequest) -> str | None:
    scheme, _, credential = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return credential.strip() if scheme.lower() == "bearer" and credential.strip() else None


def check_scrape_access(request: HttpRequest) -> None:
    """Return if ``request`` may scrape ``/metrics``; raise the refusal (module docstring)."""
    if metrics_public():
        return
    token, presented = get_setting("SCRAPE_TOKEN"), _bearer(request)
    if token and presented is not None and hmac.compare_digest(presented.encode(), token.encode()):
        return
    if _client_in_networks(request):
        return
    if token and presented is not None:
        raise APIError(
            401, ErrorCode.AUTH_INVALID_KEY, "Invalid scrape token.", hint=RESTRICTED_HINT,
            details=False, challenge="Bearer",
        )  # fmt: skip
    raise APIError(
        403,
        ErrorCode.AUTH_INSUFFICIENT_PRIVILEGES,
        "/metrics is restricted while authentication is on.",
        hint=RESTRICTED_HINT,
        details=False,
    )
