"""The tenant key every business row carries (SPEC §4, the Citus rules).

The ground knows nothing of users and grants: who reaches which tenant is decided by ``township.org``,
which installs its resolver here when the app registry is ready (``OrgConfig.ready`` calls
``set_reach_resolver``). Until then ``for_actor`` refuses to run rather than guess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, Self

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Reach(Protocol):
    """What an actor reaches, as a filter on the tenant key (and, inside a town, the village column)."""

    def q(self, field: str = ..., village_field: str | None = ...) -> Q: ...


ReachResolver = Callable[[Any, Iterable[str] | None], Reach]

_resolver: ReachResolver | None = None


def set_reach_resolver(resolver: ReachResolver) -> None:
    """Install the function that computes an actor's reach (``township.org.scoping.reach``)."""
    global _resolver
    _resolver = resolver


def reach_of(actor: Any, roles: Iterable[str] | None = None) -> Reach:
    if _resolver is None:
        raise ImproperlyConfigured("No reach resolver: add township.org to INSTALLED_APPS.")
    return _resolver(actor, roles)


class ScopedQuerySet(models.QuerySet[Any]):
    """Every business query goes through ``for_actor`` (or an explicit jurisdiction filter)."""

    def for_actor(self, actor: Any, roles: Iterable[str] | None = None) -> Self:
        village_field = "village" if any(f.name == "village" for f in self.model._meta.fields) else None
        return self.filter(reach_of(actor, roles).q("jurisdiction", village_field))

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

    def _do_update(self, base_qs: Any, using: Any, pk_val: Any, values: Any, *args: Any) -> Any:
        # ``save()`` updates the row by its town's key and id, and never rewrites the key: on Citus the key routes
        # the UPDATE to the town's shard (by id alone it is a multi-shard write, and setting the distribution
        # column is refused: "modifying the partition value of rows is not allowed"). A changed key matches no
        # row, so the save fails rather than moving a row between towns.
        if self.jurisdiction_id is not None:
            base_qs = base_qs.filter(jurisdiction_id=self.jurisdiction_id)
            values = [v for v in values if v[0].attname != "jurisdiction_id"]
        return super()._do_update(base_qs, using, pk_val, values, *args)
