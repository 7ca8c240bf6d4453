"""gunicorn configuration of the control plane: the one file behind ``./dev serve`` and the
README's production command (``gunicorn -c controlplane/gunicorn.conf.py``).

Environment variables (defaults in brackets):

- ``HOST`` [127.0.0.1], ``PORT`` [8000]: where to listen (``0.0.0.0`` behind a proxy).
- ``WEB_CONCURRENCY`` [number of cores]: worker processes.
- ``WEB_THREADS`` [4]: threads per worker; the settings size the PostgreSQL pool from it too
  (``DB_POOL_MAX_SIZE`` defaults to it), so a process never holds more than that many
  connections.
- ``WEB_KEEPALIVE`` [75]: seconds an idle keep-alive connection stays open. Longer than the
  clients' own idle timeouts (httpx: 5 s; load balancers: 60 s), so the server never closes a
  connection just as a client reuses it (gunicorn's default of 2 s lost 1-3 requests in 10,000).
- ``WEB_TIMEOUT`` [30]: seconds a request may run before its worker is restarted.
- ``WEB_READ_TIMEOUT`` [10]: seconds a request's socket waits for more body bytes (or for the
  client to read the answer) before the request fails (``controlplane.workers``).
- ``WEB_ACCESS_LOG`` [unset: none]: gunicorn's own access log (``-`` for stdout). The
  application already logs one line per request (``CONTROLPLANE_REQUEST_LOG``,
  ``telemetry.middleware``) with the request id and the tenant the credential resolved, which
  gunicorn cannot know; ``WEB_LOG_LEVEL`` [info].
- ``PROMETHEUS_MULTIPROC_DIR`` [a fresh temporary directory, removed at exit]: where the
  workers' metrics meet (``telemetry.multiprocess``; emptied at start).

Nothing is written outside the process: no control socket (gunicorn 25+ would create
``$XDG_RUNTIME_DIR/gunicorn.ctl`` or ``~/.gunicorn/gunicorn.ctl``), no pid file.
"""

import os

from telemetry.multiprocess import child_exit, on_exit, prepare_metrics_directory

# Before gunicorn loads the application or forks a worker: prometheus_client reads it at import.
prepare_metrics_directory()

__all__ = ["child_exit", "on_exit"]  # gunicorn server hooks, picked up by name

wsgi_app = "controlplane.wsgi:application"

bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]
backlog = 2048
workers = int(os.environ.get("WEB_CONCURRENCY", str(os.cpu_count() or 1)))
threads = int(os.environ.get("WEB_THREADS", "4"))
# gthread, with request-line/header errors answered in the API envelope (controlplane.workers).
worker_class = "controlplane.workers.EnvelopeThreadWorker"
worker_connections = 1000
keepalive = int(os.environ.get("WEB_KEEPALIVE", "75"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 30

# Limits on what gunicorn parses before the application (gunicorn's defaults, stated).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

control_socket_disable = True
pidfile = None

accesslog = os.environ.get("WEB_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
# client, request line, status, bytes, milliseconds, tenant header, user agent
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms tenant=%({x-tenant-id}i)s "%(a)s"'
