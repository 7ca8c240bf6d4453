"""Every route of the API with the handler that answers it, read from the URLconf (so a new
route is covered by the tests that iterate over it)."""

import re

from django.urls import URLPattern, get_resolver

from controlplane.api.operations import declared_operation

SKIPPED_PREFIXES = ("admin/", "api/schema/", "api/docs/")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback
        else:
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))


def api_routes() -> list[tuple[str, str, object]]:
    """``[(METHOD, "/api/v1/agents/{agent_name}", handler), ...]`` for every API route."""
    routes = []
    for raw, callback in _walk(get_resolver().url_patterns):
        if raw.startswith(SKIPPED_PREFIXES):
            continue
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", raw)
        cls = getattr(callback, "cls", None)
        actions = getattr(callback, "actions", None)
        if actions is not None:
            # DRF adds "head" to a viewset's actions once its route has served a request.
            handlers = {m: getattr(cls, name) for m, name in actions.items() if m != "head"}
        else:
            handlers = {
                method: getattr(cls, method)
                for method in cls.http_method_names
                if method not in ("options", "head") and hasattr(cls, method)
            }
        routes.extend((method.upper(), path, handler) for method, handler in handlers.items())
    return sorted(routes, key=lambda route: (route[1], route[0]))


def operations() -> dict[tuple[str, str], str | None]:
    """``{(METHOD, path): declared operation}`` for every API route."""
    return {(method, path): declared_operation(handler) for method, path, handler in api_routes()}
