"""Views of the v1 control and policy endpoints, one module per resource
(``controls.ControlViewSet``, ``policies.PolicyViewSet``); routes are in ``policies/urls.py``."""
