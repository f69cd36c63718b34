"""Every join between two business rows of the same town also matches the town's key (issue 19, docs/scaling.md).

On a Citus cluster every business table is distributed by ``jurisdiction_id``; a join between two of them is routed
to one shard only when its ON clause equates their keys as well as the ids ("complex joins are only supported when
all distributed tables are co-located and joined on their distribution columns"). Django's foreign keys join on
the id alone, so :func:`key_same_town_joins` gives every foreign key between two business tables of
``township.core.citus.BUSINESS`` — except the cross-town links of ``CROSS_JURISDICTION_FKS`` — an extra ON
condition ``child.jurisdiction_id = parent.jurisdiction_id`` through Django's ``get_extra_restriction`` hook (the
one generic relations use). ``select_related``, lookups across relations and reverse joins all get it, on SQLite
and plain PostgreSQL too, so the normal suite runs the same SQL shape the cluster needs and a row whose parent lies
in another town (a data error the profile's composite foreign keys would refuse) does not join.

The profile's lists decide it, so a new foreign key is keyed without touching its declaration;
``tests/test_citus_profile.py`` checks the lists and the fields agree.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models

from township.core import citus


class SameTown:
    """The ON condition ``alias.jurisdiction_id = related_alias.jurisdiction_id`` of one join."""

    contains_aggregate = False
    contains_over_clause = False

    def __init__(self, alias: str, related_alias: str) -> None:
        self.alias, self.related_alias = alias, related_alias

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        qn, col = compiler.quote_name_unless_alias, connection.ops.quote_name(citus.KEY)
        return f"{qn(self.alias)}.{col} = {qn(self.related_alias)}.{col}", []


def _same_town_restriction(alias: str | None, related_alias: str | None) -> SameTown | None:
    # ``alias`` is None when Django trims the first join of an ``exclude()`` subquery: the subquery then selects
    # the child's column and the outer query's own key filter applies.
    if alias is None or related_alias is None:
        return None
    return SameTown(alias, related_alias)


def keyed_fields() -> list[models.ForeignKey[Any, Any]]:
    """The foreign keys (one-to-one included) between two business tables of the same town."""
    business = set(citus.BUSINESS)
    out = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table not in business:
            continue
        for field in model._meta.local_fields:
            if not isinstance(field, models.ForeignKey):
                continue
            target = field.related_model._meta.db_table
            if target in business and (table, field.column) not in citus.CROSS_JURISDICTION_FKS:
                out.append(field)
    return out


def key_same_town_joins() -> int:
    """Give every same-town foreign key its key condition; returns how many (called once from ``CoreConfig``)."""
    fields = keyed_fields()
    for field in fields:
        # An instance attribute: Django's Join and ForeignObjectRel call ``field.get_extra_restriction``.
        field.get_extra_restriction = _same_town_restriction  # type: ignore[assignment]
    return len(fields)
