"""Template context for every page (``TEMPLATES … context_processors`` in config/settings/base.py); here in
系统管理 because the 节假日 banner links to its pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone


def holiday_year_warning(request: HttpRequest) -> dict[str, Any]:
    """From 1 November, an administrator (Role.ADMINISTRATOR or a superuser) is told on every page to enter next
    year's holiday arrangement while it is missing: the agency's own deadlines past the table are only provisional
    (暂定) and a party's deadline cannot be set at all until it is entered (issue 17.5)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    today = timezone.localdate()
    if today.month < 11:
        return {}
    from township.org.models import Role
    from township.org.scoping import grants_of

    if not user.is_superuser and not any(g.role == Role.ADMINISTRATOR for g in grants_of(user)):
        return {}
    from township.core.calendar import next_year_due

    year = next_year_due(today)
    if year is None:
        return {}
    # 系统管理 → 节假日: a county administrator imports the year there, a town's reads it; a superuser has the admin
    from django.utils.translation import gettext as _

    from township.system.duties import is_global

    if is_global(user):
        name, label = "system:calendar-import", _("在系统管理中导入")
    elif user.is_superuser:
        name, label = "admin:core_calendaryear_add", _("在管理后台录入")
    else:
        name, label = "system:calendar", _("查看节假日")
    try:
        form_url = reverse(name)
    except NoReverseMatch:
        form_url = ""
    return {
        "holiday_year_missing": {
            "year": year,
            "command": f"python manage.py holidays_import --year {year} <节假日.csv>",
            "url": form_url,
            "label": label,
        }
    }
