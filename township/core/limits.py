"""Field limits every save respects, on SQLite as on PostgreSQL.

PostgreSQL refuses a string longer than its ``varchar(n)`` (a DataError, a 500 if nothing catches it) and any
NUL character in text; SQLite silently stores both. :func:`check_field_limits` runs before every ``Model.save()``
(a ``pre_save`` receiver connected by ``CoreConfig.ready``) and refuses either with a :class:`BadInput` naming the
field, so an over-long party name is the same clear 400 on both databases, from the API and the services alike.
``bulk_create`` and ``update()`` do not send ``pre_save``: code using them validates its own input.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from township.core.errors import BadInput


def check_field_limits(instance: models.Model) -> None:
    """Raise ``BadInput`` (``too_long`` / ``invalid_characters``) for the first text field out of its limits."""
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname, None)
        if not isinstance(value, str):
            continue
        label = str(field.verbose_name)
        if "\x00" in value:
            raise BadInput(
                "invalid_characters", _("“%(field)s”含有不允许的控制字符（NUL）") % {"field": label}, field.name
            )
        limit = field.max_length if isinstance(field, models.CharField) else None
        if limit is not None and len(value) > limit:
            raise BadInput(
                "too_long",
                _("“%(field)s”最多%(limit)s个字符，当前%(n)s个") % {"field": label, "limit": limit, "n": len(value)},
                field.name,
            )


def on_pre_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # fixtures (loaddata) are trusted as they are
        check_field_limits(instance)
