"""The operators app, and the admin app config that installs ``OperatorsAdminSite`` as
``django.contrib.admin.site`` (``INSTALLED_APPS`` lists ``operators.apps.OperatorsAdminConfig`` in
place of ``django.contrib.admin``)."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class OperatorsConfig(AppConfig):
    default = True
    name = "operators"
    verbose_name = "Operators"


class OperatorsAdminConfig(admin_apps.AdminConfig):
    default = False  # named explicitly in INSTALLED_APPS
    default_site = "operators.site.OperatorsAdminSite"
