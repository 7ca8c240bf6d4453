"""Routes of the v1 control and policy endpoints (included under ``/api/v1/``).

The reference's routes are irregular (create is ``PUT`` on the collection), so each path binds its
methods explicitly. Path parameters are taken as strings and validated in the views, so a bad id is
a 422 with the reference's field path (``path.control_id``), not a routing 404. Fixed paths
(``schema``, ``validate``) come before ``<control_id>``.
"""

from django.urls import path

from .views.controls import ControlViewSet
from .views.evaluators import EvaluatorViewSet
from .views.policies import PolicyViewSet

controls = ControlViewSet.as_view({"get": "list_controls", "put": "create"})
control_schema = ControlViewSet.as_view({"get": "json_schema"})
control_validate = ControlViewSet.as_view({"post": "validate"})
control = ControlViewSet.as_view(
    {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
)
control_data = ControlViewSet.as_view({"get": "data", "put": "set_data"})
control_versions = ControlViewSet.as_view({"get": "versions"})
control_version = ControlViewSet.as_view({"get": "version"})

policy_collection = PolicyViewSet.as_view({"put": "create"})
policy_controls = PolicyViewSet.as_view({"get": "list_controls"})
policy_control = PolicyViewSet.as_view({"post": "add_control", "delete": "remove_control"})

evaluators = EvaluatorViewSet.as_view({"get": "list"})

urlpatterns = [
    path("controls", controls, name="controls"),
    path("controls/schema", control_schema, name="control-schema"),
    path("controls/validate", control_validate, name="control-validate"),
    path("controls/<str:control_id>", control, name="control"),
    path("controls/<str:control_id>/data", control_data, name="control-data"),
    path("controls/<str:control_id>/versions", control_versions, name="control-versions"),
    path(
        "controls/<str:control_id>/versions/<str:version_num>",
        control_version,
        name="control-version",
    ),
    path("policies", policy_collection, name="policy-list"),
    path("policies/<str:policy_id>/controls", policy_controls, name="policy-controls"),
    path(
        "policies/<str:policy_id>/controls/<str:control_id>",
        policy_control,
        name="policy-control",
    ),
    path("evaluators", evaluators, name="evaluators"),
]
