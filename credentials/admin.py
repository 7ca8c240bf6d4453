"""Admin of API keys: operators list every tenant's keys, issue one (its secret is shown once, on
the page that answers the add form, and never stored), and revoke keys with an action.

The list shows tenant, name, role, prefix, created, last used, expiry and revocation; a key's
secret, digest, role and dates cannot be edited (rotate with ``manage.py apikeys rotate``).
"""

from django.contrib import admin, messages
from django.template.response import TemplateResponse

from tenancy.admin import TenantAdminMixin

from .models import ApiKey
from .services import api_key_revoke, issue_secret

SECRET_ATTR = "_credentials_issued_secret"


@admin.register(ApiKey)
class ApiKeyAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = (
        "prefix",
        "tenant_id",
        "name",
        "role",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked",
    )
    list_filter = ("tenant_id", "role")
    search_fields = ("prefix", "name", "tenant_id")
    ordering = ("tenant_id", "-created_at")
    actions = ("revoke_selected",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("tenant_id", "name", "role", "expires_at")
        return (
            "tenant_id",
            "prefix",
            "name",
            "role",
            "created_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        fields = ("prefix", "role", "created_at", "last_used_at", "revoked_at")
        return (*super().get_readonly_fields(request, obj), *fields)

    @admin.display(boolean=True, ordering="revoked_at")
    def revoked(self, obj: ApiKey) -> bool:
        return obj.revoked_at is not None

    @admin.action(description="Revoke selected API keys")
    def revoke_selected(self, request, queryset):
        keys = [api_key for api_key in queryset if api_key.revoked_at is None]
        for api_key in keys:
            api_key_revoke(api_key)
        self.message_user(request, f"Revoked {len(keys)} API key(s).", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        if not change:
            setattr(request, SECRET_ATTR, issue_secret(obj))
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """Instead of redirecting, show the new key's secret, this once."""
        secret = getattr(request, SECRET_ATTR, None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "API key created",
            "api_key": obj,
            "secret": secret,
        }
        # The admin's views are never cached (never_cache), so neither is the secret.
        return TemplateResponse(request, "admin/credentials/apikey/created.html", context)
