"""Routes of the v1 agent endpoints (filled in by the agent endpoints work)."""

urlpatterns = []
