"""``runserver`` that reads a body without ``Content-Type`` as gunicorn does (see
``controlplane.devserver``); otherwise staticfiles' ``runserver``."""

from django.contrib.staticfiles.management.commands.runserver import Command as StaticRunserver

from controlplane.devserver import JSONDefaultWSGIServer


class Command(StaticRunserver):
    server_cls = JSONDefaultWSGIServer
