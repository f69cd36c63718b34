"""granian, the application server of the production profile: ``python -m config.server``.

``scripts/serve.sh`` runs it after its checks; the systemd unit in ``deploy/`` runs ``scripts/serve.sh``.
Chosen over gunicorn by measurement on this project (docs/performance.md, *Application server*). Every value
comes from the environment and is listed in docs/dev/setup.md, section *Production*.
"""

from __future__ import annotations

import os
from typing import Any

WSGI_TARGET = "config.wsgi:application"
# granian's own messages and its access lines as JSON lines on stdout, like the application's (config/logfmt.py).
LOG_CONFIG: dict[str, Any] = {
    "formatters": {"json": {"()": "config.logfmt.JsonLineFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}},
    "loggers": {
        "_granian": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "granian.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}
ACCESS_FORMAT = '%(addr)s "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).1fms'


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in {"1", "true", "yes", "on"}


def options() -> dict[str, Any]:
    """The keyword arguments of ``granian.Granian`` for this deployment, read from the environment."""
    host, _, port = os.environ.get("WEB_BIND", "127.0.0.1:8000").rpartition(":")
    max_rss = _int("WEB_WORKERS_MAX_RSS", 1024)
    return {
        "target": WSGI_TARGET,
        "address": host.strip("[]") or "127.0.0.1",
        "port": int(port),
        # One process per core with two application threads each: on 2 cores as fast as 4 single-threaded
        # workers or faster (requests wait on PostgreSQL part of the time), in half the memory (docs/performance.md).
        "workers": _int("WEB_WORKERS", os.cpu_count() or 1),
        "blocking_threads": _int("WEB_THREADS", 2),
        # Threads (and the database connection each holds) live as long as a persistent connection may.
        "blocking_threads_idle_timeout": 600,
        "websockets": False,
        "backlog": _int("WEB_BACKLOG", 1024),
        # A worker that dies is started again; one that grows past WEB_WORKERS_MAX_RSS MiB is replaced.
        "respawn_failed_workers": True,
        "workers_max_rss": max_rss or None,
        "workers_kill_timeout": _int("WEB_KILL_TIMEOUT", 30),
        "log_level": os.environ.get("LOG_LEVEL", "info").strip().lower() or "info",
        "log_dictconfig": LOG_CONFIG,
        "log_access": _bool("WEB_ACCESS_LOG", True),
        "log_access_format": ACCESS_FORMAT,
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    kwargs = options()
    kwargs["log_level"] = LogLevels(kwargs["log_level"])
    Granian(interface=Interfaces.WSGI, **kwargs).serve()


if __name__ == "__main__":
    main()
