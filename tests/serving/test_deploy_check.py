"""``manage.py check --deploy`` is clean with the README's production environment ("Running in
production"), and names the missing secret key without it."""

import os
import subprocess
import sys

from tests.live_servers import ROOT

PRODUCTION = {
    "DATABASE_URL": "postgresql://app@db.internal:5432/controlplane",
    "DJANGO_SECRET_KEY": "0Yt4g8Zq-5vWm2Lr9sKc7XhNf3JpBd6Ue1QaTy0oRiVnCzGwEkHlSxMuDjPbFA",
    "DJANGO_ALLOWED_HOSTS": "controlplane.internal",
    "DJANGO_SECURE_SSL": "1",
    "HOST": "0.0.0.0",
    "WEB_CONCURRENCY": "4",
    "WEB_THREADS": "4",
    "CONTROLPLANE_AUTH_MODE": "api_key",
    "CONTROLPLANE_METRICS_TOKEN": "scrape-0b3f7c1e9d2a4c6b8e5f",
}


def check_deploy(**env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_environment():
    result = check_deploy(**PRODUCTION)
    assert (result.returncode, result.stdout.strip()) == (
        0,
        "System check identified no issues (0 silenced).",
    )


def test_check_deploy_names_the_missing_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = check_deploy(**env)
    assert result.returncode == 1
    assert "(controlplane.E001) DJANGO_SECRET_KEY is not set and DEBUG is off" in result.stderr
