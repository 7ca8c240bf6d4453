"""Routes of the v1 control and policy endpoints (filled in by the endpoints work)."""

urlpatterns = []
