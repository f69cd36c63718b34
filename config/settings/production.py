"""Production settings: the base profile plus what a deployment on the Internet needs.

Select it with ``DJANGO_SETTINGS_MODULE=config.settings.production`` (``scripts/serve.sh`` and the files in
``deploy/`` do). Every value comes from the environment (``config/env.py``) and is listed in
docs/dev/setup.md, section *Production*. ``manage.py check --deploy`` is clean under the defaults.

Refuses to start (ImproperlyConfigured) without ``SECRET_KEY``, with the development key or a short one,
and without ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import BASE_DIR, DEV_SECRET_KEY, env_bool, env_int, env_list, env_required, env_str
from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES

# A mistyped URL must not list every URL of the site.
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_required("SECRET_KEY")
if SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is the development key: set a secret of your own (docs/dev/setup.md).")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak: use at least 50 random characters, "
        "e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names the site answers to (comma-separated).")
# Origins (scheme://host[:port]) allowed to POST besides the site's own, e.g. behind a proxy that rewrites Host.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# HTTPS only. HSTS tells browsers never to use plain HTTP again for max-age seconds: turn
# SECURE_HSTS_INCLUDE_SUBDOMAINS off when other hosts under the domain still serve plain HTTP.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = env_list("SECURE_REDIRECT_EXEMPT")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Opt-in: only behind a TLS-terminating proxy that sets X-Forwarded-Proto itself (and strips the client's).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER") else None
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Persistent connections: one per worker (thread), checked before reuse after an error or a restart.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("DB_CONN_HEALTH_CHECKS", True)

# Static files (incl. the npm packages and the bundles of scripts/build_assets.sh) collected once
# (scripts/serve.sh) and served by whitenoise with hashed names (cached for ever) and pre-compressed variants:
# gzip (whitenoise would add Brotli by itself were the Brotli package installed: not done, since collectstatic
# compresses every file of the npm packages and Brotli's cost there is minutes; docs/performance.md, "Page weight").
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# The npm packages as in the base profile (vendor/<package>/…), less the build tools (package.json
# devDependencies: esbuild and its 11 MB platform binary under @esbuild/), which are never served.
_NPM = BASE_DIR / "node_modules"
_BUILD_ONLY = {*json.loads((BASE_DIR / "package.json").read_text(encoding="utf-8")).get("devDependencies", {})}
_BUILD_ONLY |= {name.split("/", 1)[0] for name in _BUILD_ONLY} | {"@esbuild"}
STATICFILES_DIRS = [
    BASE_DIR / "static",
    *(
        (f"vendor/{package.name}", package)
        for package in (sorted(_NPM.iterdir()) if _NPM.is_dir() else [])
        if package.is_dir() and not package.name.startswith(".") and package.name not in _BUILD_ONLY
    ),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One JSON object per line on stdout (config/logfmt.py); the service manager keeps the log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.logfmt.JsonLineFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": env_str("LOG_LEVEL", "INFO")},
}
