"""网格管理 → 道路河流 (/grid/features/): the town's roads and rivers, and their import — upload a GeoJSON
FeatureCollection, preview it (every error per feature in Chinese), then save. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from township.core.errors import DomainError, PermissionRefused
from township.grid import selectors, services
from township.grid.models import FeatureKind
from township.grid.services.features import MAX_BYTES

SESSION_KEY = "grid_features_upload"  # the previewed file, until it is saved or dropped
PAGE = 30


def _preview_map(preview: services.FeaturePreview) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": r.geometry, "properties": {"name": r.name, "kind": r.kind}}
            for r in preview.rows
            if r.geometry
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
def feature_list(request: HttpRequest) -> HttpResponse:
    towns = services.feature_towns(actor=request.user)  # type: ignore[arg-type]
    kind = request.GET.get("kind", "")
    kind = kind if kind in FeatureKind.values else ""
    preview = None
    chosen = {"jurisdiction": towns[0].code if towns else "", "kind": FeatureKind.ROAD, "replace": False}
    if request.method == "POST":
        if not towns:
            raise PermissionDenied
        action = request.POST.get("action", "preview")
        chosen = {
            "jurisdiction": request.POST.get("jurisdiction", "")[:12],
            "kind": request.POST.get("kind", FeatureKind.ROAD)[:8],
            "replace": request.POST.get("replace") == "1",
        }
        try:
            if action == "save":
                return _save(request)
            if action == "drop":
                request.session.pop(SESSION_KEY, None)
                return redirect("grid:features")
            upload = request.FILES.get("file")
            data = upload.read(MAX_BYTES + 1) if upload else b""
            preview = services.feature_preview(
                actor=request.user,  # type: ignore[arg-type]
                jurisdiction=str(chosen["jurisdiction"]),
                data=data,
                default_kind=str(chosen["kind"]),
            )
        except PermissionRefused:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("grid:features")
        if preview.ok:
            request.session[SESSION_KEY] = {**chosen, "data": data.decode("utf-8-sig")}
        else:
            request.session.pop(SESSION_KEY, None)
    qs = selectors.map_feature_list(actor=request.user, kind=kind)  # type: ignore[arg-type]
    page = Paginator(qs.select_related("jurisdiction"), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "grid/features.html",
        {
            "page": page,
            "kind": kind,
            "kinds": FeatureKind.choices,
            "towns": towns,
            "chosen": chosen,
            "preview": preview,
            "preview_geojson": _preview_map(preview) if preview else None,
        },
        status=422 if preview is not None and not preview.ok else 200,
    )


def _save(request: HttpRequest) -> HttpResponse:
    held = request.session.get(SESSION_KEY)
    if not held:
        messages.error(request, _("请先上传文件并预览"))
        return redirect("grid:features")
    saved = services.feature_import(
        actor=request.user,  # type: ignore[arg-type]
        jurisdiction=held["jurisdiction"],
        data=held["data"],
        default_kind=held["kind"],
        replace=bool(held["replace"]),
    )
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("已导入 %(n)d 条道路河流") % {"n": len(saved)})
    return redirect("grid:features")
