"""Admin of API keys: operators list every tenant's keys, issue one (its secret is shown once),
and revoke keys with an action.

Adding a key answers with a redirect (POST/redirect/GET) to ``<id>/created/``, which shows the
new secret once: the secret waits in the operator's session until that page pops it, so a reload
shows no secret (and never issues a second key), and the secret is never stored with the key.
The page links on to where the button pressed leads ("Save and continue editing": the key,
"Save and add another": a new key of the tenant, "Save": the list).

The list shows tenant, name, role, prefix, created, last used, expiry and revocation; a key's
secret, digest, role and dates cannot be edited (rotate with ``manage.py apikeys rotate``).
"""

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from tenancy.admin import TenantAdminMixin

from .models import ApiKey
from .services import api_key_revoke, issue_secret

SECRET_ATTR = "_credentials_issued_secret"
#: Session key: ``{str(key id): {"secret": ..., "next": url}}`` of secrets not shown yet.
SESSION_KEY = "credentials_issued_secrets"


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

    def get_urls(self):
        created = path(
            "<path:object_id>/created/",
            self.admin_site.admin_view(self.created_view),
            name="credentials_apikey_created",
        )
        return [created, *super().get_urls()]

    def _url(self, name: str, *args) -> str:
        return reverse(
            f"admin:credentials_apikey_{name}", args=args, current_app=self.admin_site.name
        )

    def response_add(self, request, obj, post_url_continue=None):
        """Redirect to the page that shows the new key's secret once (module docstring)."""
        secret = getattr(request, SECRET_ATTR, None)
        if secret is None or IS_POPUP_VAR in request.POST:
            return super().response_add(request, obj, post_url_continue)
        if "_continue" in request.POST:
            follow = (self._url("change", obj.pk), "Edit the key")
        elif "_addanother" in request.POST:
            follow = (request.path, "Add another key")
        else:
            follow = (self._url("changelist"), "Back to the API keys")
        pending = request.session.get(SESSION_KEY, {})
        pending[str(obj.pk)] = {"secret": secret, "next": follow[0], "next_label": follow[1]}
        request.session[SESSION_KEY] = pending
        return HttpResponseRedirect(self._url("created", obj.pk))

    def created_view(self, request, object_id):
        """The new key's secret, shown once: popped from the session; a reload says it is gone."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        api_key = ApiKey.all_tenants.filter(pk=unquote(object_id)).first()
        if api_key is None:
            raise Http404(f"No API key with id {object_id!r}.")
        pending = request.session.get(SESSION_KEY, {})
        issued = pending.pop(str(api_key.pk), None)
        request.session[SESSION_KEY] = pending
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "API key created",
            "api_key": api_key,
            "article": "An" if api_key.role[:1] in "aeiou" else "A",
            "secret": issued and issued["secret"],
            "next_url": issued["next"] if issued else self._url("changelist"),
            "next_label": issued["next_label"] if issued else "Back to the API keys",
        }
        # The admin's views are never cached (never_cache), so neither is the secret.
        return TemplateResponse(request, "admin/credentials/apikey/created.html", context)
