"""Routes of ``credentials`` (included at the root by ``controlplane/urls.py``)."""

from django.urls import path

from .views import ConfigView, RuntimeTokenExchangeView

urlpatterns = [
    path("api/config", ConfigView.as_view(), name="auth-config"),
    path(
        "api/v1/auth/runtime-token-exchange",
        RuntimeTokenExchangeView.as_view(),
        name="runtime-token-exchange",
    ),
]
