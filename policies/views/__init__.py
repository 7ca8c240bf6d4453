"""Views of the v1 control, policy and evaluator endpoints, one module per resource
(``controls.ControlViewSet``, ``policies.PolicyViewSet``, ``evaluators.EvaluatorViewSet``); routes
are in ``policies/urls.py``."""
