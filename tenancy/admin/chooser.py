"""The first step of an add in the admin: choose the tenant.

``<model>/add/`` shows this page: the tenants that own rows (each a link) and a field for another
tenant id (a new tenant). Choosing one leads to ``<model>/add/<tenant id>/``, the add form of that
tenant: a page of its own, so reloading it, "Save and add another" and the related-object "+"
links stay in the tenant. Query parameters of the admin (``_popup``, ``_to_field``, preserved
filters) are carried along.
"""

from django import forms
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from ..exceptions import InvalidTenantId
from ..introspection import tenant_foreign_keys
from ..inventory import known_tenants
from ..validators import TENANT_ID_ALLOWED, TENANT_ID_MAX_LENGTH, validate_tenant_id

CHOOSE_FIELD = "_choose_tenant"


class TenantChoiceForm(forms.Form):
    """The tenant an add form will run in: an existing tenant or a new, well-formed id."""

    tenant_id = forms.CharField(
        label="Tenant",
        max_length=TENANT_ID_MAX_LENGTH,
        help_text=f"An existing tenant, or a new tenant id (1 to {TENANT_ID_MAX_LENGTH} "
        f"characters: {TENANT_ID_ALLOWED}).",
        widget=forms.TextInput(attrs={"list": "tenancy-known-tenants", "autofocus": True}),
    )

    def clean_tenant_id(self):
        value = self.cleaned_data["tenant_id"].strip()
        try:
            return validate_tenant_id(value)
        except InvalidTenantId as exc:
            raise forms.ValidationError(str(exc), code="invalid_tenant_id") from exc


def _choices_of(admin_options, request, parent=None) -> list:
    """The tenant models an admin's (or an inline's) add form offers as choices: its editable
    tenant foreign keys (not the one to ``parent``, an inline's own row)."""
    readonly = set(admin_options.get_readonly_fields(request))
    shown = set(admin_options.fields) if admin_options.fields else None
    return [
        field.related_model
        for field in tenant_foreign_keys(admin_options.model)
        if field.name not in readonly
        and (shown is None or field.name in shown)
        and field.related_model is not parent
    ]


def tenant_choices(model_admin, request) -> list[str]:
    """The plural names of the tenant models the add form offers, in form order (``["policies",
    "controls"]`` for an agent, ``[]`` for an API key): what the chooser says is the tenant's."""
    models = _choices_of(model_admin, request)
    for inline in model_admin.get_inline_instances(request):
        models += _choices_of(inline, request, parent=model_admin.model)
    return list(dict.fromkeys(str(model._meta.verbose_name_plural) for model in models))


def add_in_tenant_url(model_admin, request, tenant_id: str) -> str:
    """``<model>/add/<tenant id>/`` with the request's admin query parameters."""
    opts = model_admin.opts
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_add_in_tenant",
        args=[tenant_id],
        current_app=model_admin.admin_site.name,
    )
    query = request.GET.copy()
    query.pop("tenant_id", None)
    if query:
        url = f"{url}?{query.urlencode()}"
    return url


def choose_tenant_view(model_admin, request):
    """GET: the chooser; POST (``_choose_tenant``): redirect to the chosen tenant's add form."""
    form = TenantChoiceForm(request.POST if CHOOSE_FIELD in request.POST else None)
    if form.is_bound and form.is_valid():
        url = add_in_tenant_url(model_admin, request, form.cleaned_data["tenant_id"])
        return HttpResponseRedirect(url)
    opts = model_admin.opts
    tenants = known_tenants()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Add {opts.verbose_name}: choose the tenant",
        "subtitle": None,
        "opts": opts,
        "form": form,
        "choose_field": CHOOSE_FIELD,
        "choices": ", ".join(tenant_choices(model_admin, request)),
        "tenants": [
            (tenant, add_in_tenant_url(model_admin, request, tenant)) for tenant in tenants
        ],
        "is_popup": "_popup" in request.GET,
        "preserved_filters": model_admin.get_preserved_filters(request),
        "changelist_url": add_preserved_filters(
            {"preserved_filters": model_admin.get_preserved_filters(request), "opts": opts},
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        ),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/tenancy/choose_tenant.html", context)
