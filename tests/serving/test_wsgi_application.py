"""The WSGI application itself (what every server runs): WhiteNoise serves the admin's CSS and
Swagger UI's bundle, the Swagger UI page points at them, and the development secret key is refused
when DEBUG is off (system check ``controlplane.E001`` and at import of the WSGI module)."""

import importlib
import io
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from controlplane.security import DEVELOPMENT_SECRET_KEY, check_secret_key


def wsgi_get(application, path: str) -> tuple[str, dict, bytes]:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    started = {}

    def start_response(status, headers, exc_info=None):
        started.update(status=status, headers=dict(headers))

    result = application(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return started["status"], started["headers"], body


@pytest.fixture
def application(settings):
    settings.SECRET_KEY = "wsgi-tests-secret-key"
    return importlib.import_module("controlplane.wsgi").application


@pytest.mark.django_db  # the WSGI handler's request signals touch the connection
@pytest.mark.parametrize(
    ("path", "media_type", "marker"),
    [
        ("/static/admin/css/base.css", "text/css", b"--body-fg"),
        (
            "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
            "text/javascript",
            b"SwaggerUIBundle",
        ),
    ],
)
def test_static_files_are_served_by_the_wsgi_application(application, path, media_type, marker):
    status, headers, body = wsgi_get(application, path)
    assert (status, headers["Content-Type"].split(";")[0]) == ("200 OK", media_type)
    assert marker in body


@pytest.mark.django_db
def test_swagger_ui_page_loads_its_bundle_from_static(application):
    status, _, body = wsgi_get(application, "/api/docs/")
    assert status == "200 OK"
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in body


def test_the_development_key_with_debug_off_is_a_system_check_error(settings):
    settings.DEBUG, settings.SECRET_KEY = False, DEVELOPMENT_SECRET_KEY
    (error,) = check_secret_key()
    assert (error.id, error.msg) == (
        "controlplane.E001",
        "DJANGO_SECRET_KEY is not set and DEBUG is off: refusing to run with the public "
        "development secret key.",
    )
    with pytest.raises(SystemCheckError, match=r"controlplane\.E001"):
        call_command("check")


def test_the_development_key_is_fine_with_debug_on(settings):
    settings.DEBUG, settings.SECRET_KEY = True, DEVELOPMENT_SECRET_KEY
    assert check_secret_key() == []


def test_the_wsgi_module_refuses_to_load_with_the_development_key(settings):
    settings.DEBUG, settings.SECRET_KEY = False, DEVELOPMENT_SECRET_KEY
    sys.modules.pop("controlplane.wsgi", None)
    try:
        with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is not set"):
            importlib.import_module("controlplane.wsgi")
    finally:
        sys.modules.pop("controlplane.wsgi", None)
