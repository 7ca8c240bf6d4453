"""Routes of the v1 control and policy endpoints.

Path parameters are ``<str:...>`` and validated in the views, so a bad id is a 422 with the
reference's field path, not a routing 404.
"""

from django.urls import path

from .views.policies import PolicyViewSet

policy_collection = PolicyViewSet.as_view({"put": "create"})
policy_controls = PolicyViewSet.as_view({"get": "list_controls"})
policy_control = PolicyViewSet.as_view({"post": "add_control", "delete": "remove_control"})

urlpatterns = [
    path("policies", policy_collection, name="policy-list"),
    path("policies/<str:policy_id>/controls", policy_controls, name="policy-controls"),
    path(
        "policies/<str:policy_id>/controls/<str:control_id>",
        policy_control,
        name="policy-control",
    ),
]
