"""Settings of the verification benchmark server: the real settings plus a bare baseline view."""

import os

from gongjiang.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

# Keep database connections open between requests, SQLite included (the embedded default
# reconnects per request, which costs more than the lookup itself): gunicorn's sync workers
# run one request at a time per process, so one connection per worker is safe.
DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 — WhiteNoise warns when it is missing

# --no-health-checks (run.py): skip Django's per-request "is the connection alive?" query, to
# show what that round trip costs (the project turns health checks on: see settings.py).
if os.environ.get("BENCH_HEALTH_CHECKS") == "0":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405
