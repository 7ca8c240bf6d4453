"""gunicorn configuration of the benchmark: the project's own ``controlplane/gunicorn.conf.py``
(issue 12) with one change, the access log off, as the reference runs with
``AGENT_CONTROL_ACCESS_LOG=false``. Used when ``configs.SERVE_FROM_CONFIG_FILE`` is on:
``gunicorn -c bench/gunicorn_conf.py``."""

import runpy
from pathlib import Path

_PROJECT_FILE = Path(__file__).resolve().parent.parent / "controlplane" / "gunicorn.conf.py"

globals().update(
    {
        key: value
        for key, value in runpy.run_path(str(_PROJECT_FILE)).items()
        if not key.startswith("_")
    }
)
accesslog = None
