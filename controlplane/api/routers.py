"""``APIRouter``: DRF's ``SimpleRouter`` shaped like the reference server's routes.

The reference's routes are irregular by REST conventions, and the router keeps them exactly:

- no trailing slash (``/api/v1/agents``, not ``/api/v1/agents/``);
- the collection answers ``GET`` with ``list`` and ``PUT`` with ``create`` (``PUT /controls`` and
  ``PUT /policies`` create); there is no ``POST`` on a collection;
- an item answers ``GET`` / ``PATCH`` / ``DELETE`` with ``retrieve`` / ``partial_update`` /
  ``destroy`` (no ``PUT``);
- everything else is an ``@action`` with a ``url_path`` that may hold path converters
  (``policies/<str:policy_id>``); a viewset registered at the empty prefix holds top-level actions
  (``POST /evaluation``).

Routes use Django path converters (``str``), so a bad id or name reaches the view and is answered
with the reference's 422, never a routing 404. Only the methods a viewset implements are bound;
any other method on a known path is a 405, ``OPTIONS`` included (the API has no metadata
endpoint), and the ``Allow`` header lists exactly the bound methods (``HEAD`` with ``GET``).

A route whose every bound action is ``@public`` (``GET /controls/schema``) is marked
``credentials_optional``: ``TenantMiddleware`` lets it through even with a refused credential, as
the reference ignores credentials on its public routes.
"""

from rest_framework.routers import DynamicRoute, Route, SimpleRouter

from tenancy.authentication import credentials_optional

from .operations import PUBLIC, declared_operation

COLLECTION = "{prefix}"
ITEM = "{prefix}/{lookup}"
#: Every view's ``http_method_names``: Django's, without ``OPTIONS`` and ``TRACE``.
API_METHODS = ["get", "put", "patch", "delete", "post", "head"]


def _fixed(base: str, mapping: dict, name: str, suffix: str) -> Route:
    """The route of ``base`` itself, binding ``mapping`` (method -> action) when implemented."""
    url = base + "{trailing_slash}"
    detail = base == ITEM
    initkwargs = {"suffix": suffix, "http_method_names": API_METHODS}
    return Route(url=url, mapping=mapping, name=name, detail=detail, initkwargs=initkwargs)


def _dynamic(base: str) -> DynamicRoute:
    """The ``@action`` routes under ``base`` (``url_path`` may hold path converters)."""
    url = base + "/{url_path}{trailing_slash}"
    initkwargs = {"http_method_names": API_METHODS}
    return DynamicRoute(
        url=url, name="{basename}-{url_name}", detail=base == ITEM, initkwargs=initkwargs
    )


class APIRouter(SimpleRouter):
    """The router of the v1 API (see the module docstring)."""

    routes = [
        _fixed(COLLECTION, {"get": "list", "put": "create"}, "{basename}-list", "List"),
        _dynamic(COLLECTION),
        _fixed(
            ITEM,
            {"get": "retrieve", "patch": "partial_update", "delete": "destroy"},
            "{basename}-detail",
            "Instance",
        ),
        _dynamic(ITEM),
    ]

    def __init__(self):
        super().__init__(trailing_slash=False, use_regex_path=False)

    def get_urls(self):
        urls = super().get_urls()
        for pattern in urls:
            view = pattern.callback
            actions = [getattr(view.cls, name) for name in view.actions.values()]
            if actions and all(declared_operation(action) == PUBLIC for action in actions):
                credentials_optional(view)
        return urls
