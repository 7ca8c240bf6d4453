"""``manage.py tenant_command <tenant id> <command> [args ...]``: run any management command inside
a tenant.

The tenant is validated and bound (``tenant_context``) for the whole run of the inner command, so
its scoped queries, stamping and PostgreSQL row-level security all act as that tenant, as they do
for an API request; it is reset when the command ends, also on errors. Like django-tenants'
command of the same name::

    ./dev manage tenant_command acme dumpdata agents policies --indent 2
    ./dev manage tenant_command acme loaddata acme-fixture.json
    ./dev manage tenant_command acme shell -c "from agents.models import Agent; print(Agent.objects.count())"

The inner command parses its own arguments (``tenant_command acme dumpdata --help`` shows
dumpdata's help); its errors are reported like this command's (exit status 1).
"""

import argparse

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from tenancy.context import tenant_context
from tenancy.exceptions import InvalidTenantId
from tenancy.validators import validate_tenant_id


class Command(BaseCommand):
    help = "Run a management command inside a tenant: tenant_command <tenant id> <command> [args]."

    def add_arguments(self, parser):
        # argparse writes a REMAINDER as a bare "...", which reads as required.
        parser.usage = "%(prog)s [options] tenant_id command_name [command_args ...]"
        parser.add_argument("tenant_id", help="The tenant to bind while the command runs.")
        parser.add_argument("command_name", help="The management command to run.")
        parser.add_argument(
            "command_args", nargs=argparse.REMAINDER, help="Its arguments and options, if any."
        )

    def handle(self, *args, tenant_id: str, command_name: str, command_args: list, **options):
        try:
            validate_tenant_id(tenant_id)
        except InvalidTenantId as exc:
            raise CommandError(f"Invalid tenant id {tenant_id!r}: {exc}") from exc
        if command_name not in get_commands():
            raise CommandError(
                f"Unknown command {command_name!r}. Type 'manage.py help' for the list."
            )
        if command_name == "tenant_command":
            raise CommandError("tenant_command cannot run tenant_command.")
        # The inner command's own output wrapper ends its lines; this one passes text through.
        self.stdout.ending = self.stderr.ending = ""
        with tenant_context(tenant_id):
            call_command(command_name, *command_args, stdout=self.stdout, stderr=self.stderr)
