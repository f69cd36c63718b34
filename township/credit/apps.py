from datetime import datetime
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _publications(now: datetime) -> dict[str, Any]:
    from township.credit.services import credit_publications_expire

    return {"expired": credit_publications_expire(now)}


def _grades(now: datetime) -> dict[str, Any]:
    from township.credit.services import credit_grades_recompute_all

    return credit_grades_recompute_all(now=now)


class CreditConfig(AppConfig):
    name = "township.credit"
    label = "credit"
    verbose_name = _("信用记录")

    def ready(self) -> None:
        from township.cases.timed import register_timed
        from township.cases.types import register_case_type
        from township.credit.case_type import LISTING_CASE_TYPE, REPAIR_CASE_TYPE

        register_timed("credit.publications", _publications, every_seconds=3600)
        register_timed("credit.grades", _grades, every_seconds=86400)
        register_case_type(LISTING_CASE_TYPE)
        register_case_type(REPAIR_CASE_TYPE)
