"""Pages of the party-building overlay (issue 15): list and detail, masked by role. Thin: parse, call, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from township.core.errors import DomainError, NotFound
from township.org.models import User
from township.org.units import chosen_unit
from township.party import selectors, services
from township.party.models import OrgKind

PAGE_SIZE = 30


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_view(request: HttpRequest) -> None:
    if not selectors.may_view(_me(request)):
        raise PermissionDenied


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    f = {k: request.GET.get(k, "").strip()[:64] for k in ("q", "kind", "non_public")}
    unit = chosen_unit(request)  # the unit tree (组织机构) beside the list
    qs = selectors.org_list(actor=_me(request), unit=unit, **f)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    orgs = list(page)
    full = selectors.full_towns(_me(request))
    ratings = selectors.current_ratings(orgs=orgs)
    rows = [
        {
            "org": o,
            "secretary": o.secretary_display if o.jurisdiction_id in full else services.mask_name(o.secretary_display),
            "full": o.jurisdiction_id in full,
            "rating": ratings.get(o.pk),
        }
        for o in orgs
    ]
    return render(
        request,
        "party/list.html",
        {
            "page": page,
            "rows": rows,
            "f": f,
            "kinds": OrgKind.choices,
            "query": urlencode({k: v for k, v in f.items() if v} | unit.params),
            "masked": not full,
        },
    )


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    try:
        org = selectors.org_get(actor=_me(request), pk=pk)
    except NotFound:
        raise Http404 from None
    view = selectors.org_view(actor=_me(request), org=org)
    return render(
        request,
        "party/detail.html",
        {"v": view, "org": org, "year": timezone.localdate().year - 1, "stars_range": range(1, 6)},
    )


@login_required
@require_POST
def rating_record(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    try:
        org = selectors.org_get(actor=_me(request), pk=pk)
    except NotFound:
        raise Http404 from None
    try:
        services.rating_record(
            actor=_me(request),
            org=org,
            year=int(request.POST.get("year") or 0),
            stars=int(request.POST.get("stars") or 0),
            red_flag=request.POST.get("red_flag") == "1",
            score=request.POST.get("score") or None,
            reviewed_by=request.POST.get("reviewed_by", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValueError:
        messages.error(request, _("年度和星级须为数字"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记评定"))
    return redirect("party:detail", pk=pk)
