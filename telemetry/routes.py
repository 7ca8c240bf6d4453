"""What a request is, for its metric labels and log line: its route template and the operation
its view declares.

``route_of(request)`` is the route the URLconf matched, written like the reference's labels
(``/api/v1/agents/{agent_name}/controls``), never the raw path; ``None`` for a path that matches no
route (not recorded). A request refused by a middleware before URL resolution (a bad credential)
is resolved here, only then.
"""

import re
from functools import lru_cache

from django.http import HttpRequest
from django.urls import Resolver404, ResolverMatch, resolve

from controlplane.api.operations import Operation, declared_operation, operation_class

_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
#: Routes the metrics leave out, as the reference does (its scrape, health and API documents).
UNRECORDED_ROUTES = frozenset({"/metrics", "/health", "/api/schema/", "/api/docs/"})


@lru_cache(maxsize=512)
def route_template(route: str) -> str:
    """``"api/v1/agents/<str:agent_name>/controls"`` -> ``"/api/v1/agents/{agent_name}/controls"``."""
    return "/" + _PARAMETER.sub(r"{\1}", route)


def _match(request: HttpRequest) -> ResolverMatch | None:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match
    try:
        return resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None


def route_of(request: HttpRequest) -> str | None:
    """The request's route template, or ``None`` when no route matches its path."""
    match = _match(request)
    return None if match is None else route_template(match.route)


def operation_of(request: HttpRequest) -> Operation | str | None:
    """The operation the answering view action declares (an ``Operation``, ``"public"``), or
    ``None`` (no route, or a method the view does not route)."""
    match = _match(request)
    if match is None:
        return None
    view = match.func
    cls, actions = getattr(view, "cls", None), getattr(view, "actions", None)
    if cls is None:
        return None
    method = request.method.lower()
    name = actions.get(method) if actions is not None else method
    handler = getattr(cls, name, None) if name else None
    return None if handler is None else declared_operation(handler)


def class_of(request: HttpRequest) -> str:
    """The operation class of the request (``runtime``, ``read``, ``write``), or ``"none"`` for
    public routes and methods no action answers."""
    operation = operation_of(request)
    if isinstance(operation, Operation):
        return operation_class(operation).value
    return "none"
