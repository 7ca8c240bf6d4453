"""ORM-level figures, run as ``python -m bench.orm`` with ``DATABASE_URL`` set to an empty
PostgreSQL database (``python -m bench`` does this). Prints one JSON line for the report.

1. Stamping + scoping overhead (``orm_stamping.py``): ``bulk_create`` of 10,000 agents,
   ``bulk_create`` of 10,000 agent<->policy through rows, and 1,000 single ``create()`` calls
   through our managers versus plain Django models with the same columns, indexes and keys
   (``orm_plain.py``); 9 alternating repetitions with ``synchronous_commit = off`` for both,
   median time.
2. Query counts per endpoint with 1 control versus 50 controls over 10 policies
   (``orm_queries.py``).
3. Scale (``orm_scale.py``): ``GET /agents/{name}/controls`` latency (in-process, Django test
   client) with one tenant loaded versus N tenants x 100 agents x 10 controls (loaded with COPY,
   every definition distinct).

Django is set up in ``main()``; the section modules define or import models, so they are imported
only after that.
"""

import argparse
import json
import os
import sys

import django
from django.conf import settings
from django.core.management import call_command

from .orm_db import quiet_session, truncate


def setup_django() -> None:
    """Configure Django with the project's settings (``DATABASE_URL`` names the database) and let
    the in-process test client's ``testserver`` host through."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")
    django.setup()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.orm")
    parser.add_argument("--scale-tenants", type=int, default=1000)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    setup_django()
    from . import orm_plain, orm_queries, orm_scale, orm_stamping  # models: after setup only

    call_command("migrate", verbosity=0)
    orm_plain.create_tables()
    quiet_session()
    result = {"repetitions": orm_stamping.REPEAT, "stamping": orm_stamping.stamping()}
    truncate("agents_agent", "policies_policy", "policies_control")
    result["queries"] = orm_queries.query_counts()
    result["scale"] = orm_scale.scale(args.scale_tenants)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
