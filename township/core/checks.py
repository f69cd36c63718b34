"""Deployment checks of the ground layer (run by ``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_personal_data_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Personal data must be encrypted under its own key in production, not one derived from SECRET_KEY."""
    if getattr(settings, "TOWNSHIP_PERSONAL_DATA_KEY", ""):
        return []
    return [
        checks.Warning(
            "PERSONAL_DATA_KEY is not set: resident IDs and phone numbers are encrypted under a key derived "
            "from SECRET_KEY (development only).",
            hint="Set the environment variable PERSONAL_DATA_KEY to a long random secret (e.g. "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`), keep it apart from the database "
            "backups, and never change it without re-encrypting (docs/security.md, Personal data).",
            id="township.W101",
        )
    ]
