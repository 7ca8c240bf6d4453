"""The OpenAPI document is the contract: schemathesis generates requests for every operation from
``/api/schema/`` and runs every check (no 5xx, documented status codes, content types, headers
and response bodies, schema-valid requests accepted and schema-violating ones refused) against
the WSGI application, with ``schemathesis.toml``.

Bounded and seeded for CI (``derandomize``: the same examples every run); set
``SCHEMATHESIS_MAX_EXAMPLES`` for a longer run (the CLI command in README, "Testing the OpenAPI
contract", runs the same checks against a live server).
"""

import json
import os
from pathlib import Path

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.config import SchemathesisConfig

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))


def load_schema() -> schemathesis.schemas.BaseSchema:
    """The document ``/api/schema/`` serves (generated the same way, without a request), bound
    to the project's WSGI application."""
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
    config = SchemathesisConfig.from_path(str(ROOT / "schemathesis.toml"))
    loaded = schemathesis.openapi.from_dict(document, config=config)
    loaded.app = get_wsgi_application()
    return loaded


schema = load_schema()


@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_honours_the_openapi_document(case):
    case.call_and_validate()
