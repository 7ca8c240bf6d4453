"""Policies: controls (guardrail definitions), policies (named sets of controls), the control
version history, and the v1 control and policy endpoints."""
