"""The tenant key every business row carries (SPEC §4, the Citus rules)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Self

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScopedQuerySet(models.QuerySet):
    """Every business query goes through ``for_actor`` (or an explicit jurisdiction filter)."""

    def for_actor(self, actor: Any, roles: Iterable[str] | None = None) -> Self:
        from township.org.scoping import reach

        village_field = "village" if any(f.name == "village" for f in self.model._meta.fields) else None
        return self.filter(reach(actor, roles).q("jurisdiction", village_field))

    def in_jurisdiction(self, code: str) -> Self:
        return self.filter(jurisdiction_id=code)


class JurisdictionScoped(models.Model):
    """Abstract base: the owning town's (or county's) division code, indexed, never changed."""

    jurisdiction = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+", db_index=True
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True
