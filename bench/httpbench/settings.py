"""Settings of the HTTP bench (``bench/httpbench/run.py``): the production profile, plus the baseline view's URLconf and
a bench-only middleware that counts the statements of each request (``X-Statements``). No project file changes.

Needs the production environment (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL…); the runner sets it.
"""

from __future__ import annotations

from config.settings.production import *  # noqa: F403
from config.settings.production import MIDDLEWARE

ROOT_URLCONF = "bench.httpbench.urls"
# Outermost, so it counts every statement of the request (sessions, auth, the view, the response).
MIDDLEWARE = ["bench.httpbench.middleware.StatementCountMiddleware", *MIDDLEWARE]
