"""综合窗口工作台 (the window desk), keyboard-first.

One field finds or registers the applicant (resident ID or USCC with its check character, a phone number or a name;
an ID card reader types the number and Enter); items are picked by name, code or pinyin initials with type-ahead
(only the public service items this desk files) or as a 一件事 bundle in one click; the subject's library materials
are pre-attached; the clerk accepts on the spot when complete, 容缺 only where the item allows it, or prints the
one-time notice; the queue calls the next ticket. JSON endpoints under ``/approval/window/`` serve the page's script
and any other client (the same selectors, the same scoping).

Thin, like ``views``: reads through ``selectors``, writes through ``services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from township.approval import selectors as sel
from township.approval import services as svc
from township.approval.models import QueueCategory
from township.approval.services.window import window_file
from township.core.errors import DomainError, NotFound

WORKLIST_ROWS = 10
LIBRARY_ROWS = 8


def _desk_town(request: HttpRequest) -> str:
    from township.approval.views import _home_town

    town = _home_town(request.user)
    if town is None:
        raise Http404
    return town


def _bad(message: str, *, field: str = "", status: int = 400) -> JsonResponse:
    return JsonResponse({"error": {"message": message, "field": field}}, status=status)


def _subject_out(subject: Any) -> dict[str, Any]:
    return {
        "id": subject.pk,
        "name": subject.name,
        "identifier": subject.masked_identifier,
        "kind": subject.get_kind_display(),
        "url": reverse("approval:window") + f"?subject={subject.pk}",
    }


def _item_out(item: Any) -> dict[str, Any]:
    limit = ""
    if item.promised_limit is not None:
        limit = f"{item.promised_limit} {item.get_promised_unit_display()}"
    return {
        "id": item.pk,
        "name": item.name,
        "code": item.implementation_code,
        "type": item.get_item_type_display(),
        "department": item.department_name,
        "promised": limit,
        "gap_allowed": item.gap_allowed,
    }


def _resolve_subject(request: HttpRequest, params: Any) -> tuple[Any, dict[str, Any]]:
    """The subject the desk works for: ``subject`` (a pk, scoped) or ``id`` (the one field). Returns it (or None)
    and the search result (for the page: candidates, the identifier to register, the problem)."""
    from township.subjects.selectors import subject_get

    pk = str(params.get("subject") or "").strip()
    if pk:
        if not pk.isdigit():
            return None, {"kind": "", "identifier": "", "error": _("申请人有误"), "subjects": []}
        try:
            return subject_get(actor=request.user, pk=int(pk)), {}
        except NotFound:
            return None, {"kind": "", "identifier": "", "error": _("未找到该申请人"), "subjects": []}
    found = sel.window_subject_search(actor=request.user, q=str(params.get("id") or ""))
    subject = found["subjects"][0] if len(found["subjects"]) == 1 else None
    return subject, found


def _chosen_items(request: HttpRequest, town: str, raw: list[str]) -> list[Any]:
    ids = [int(x) for x in raw if str(x).isdigit()]
    allowed = {i.pk: i for i in sel.window_items_allowed(actor=request.user, town=town).filter(pk__in=ids)}
    return [allowed[i] for i in dict.fromkeys(ids) if i in allowed]


def _theme_for(town: str, raw: str, items: list[Any]) -> Any:
    """The 一件事 theme, only when the chosen items are exactly its items (else a plain multi-item filing)."""
    if not raw.isdigit():
        return None
    from township.catalog.selectors import theme_get, theme_items

    try:
        theme = theme_get(pk=raw, public=True)
    except NotFound:
        return None
    if theme.jurisdiction_id != town:
        return None
    return theme if {i.pk for i in theme_items(theme)} == {i.pk for i in items} else None


@login_required
def window(request: HttpRequest) -> HttpResponse:
    """The desk: lookup (GET ``id`` or ``subject``), filing (POST), the result of the last filing (GET ``done``)."""
    from township.certificates.selectors import library_items_for
    from township.credit.selectors import credit_summary

    town = _desk_town(request)
    params = request.POST if request.method == "POST" else request.GET
    subject, found = _resolve_subject(request, params)
    if request.method == "POST":
        if subject is None:
            messages.error(request, found.get("error") or _("请先查找申请人"))
        else:
            items = _chosen_items(request, town, request.POST.getlist("items"))
            theme = _theme_for(town, request.POST.get("theme", ""), items)
            uploads = {k[2:]: f for k, f in request.FILES.items() if k.startswith("m_")}
            try:
                filing = window_file(
                    actor=request.user,
                    town=town,
                    subject=subject,
                    items=items,
                    theme=theme,
                    uploads=uploads,
                    paper=[c for c in request.POST.getlist("paper") if c],
                    mode=request.POST.get("mode") or "auto",
                    pledge=request.POST.get("pledge", ""),
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                app = filing.application
                text = {
                    "accepted": _("已收件并当场受理，办件编号 %(n)s"),
                    "gap": _("已容缺受理，办件编号 %(n)s"),
                    "notice": _("已收件并出具一次性告知书，办件编号 %(n)s"),
                    "filed": _("已收件（待受理），办件编号 %(n)s"),
                }[filing.outcome]
                messages.success(request, text % {"n": app.case.number})
                if filing.notice is not None:
                    return redirect(reverse("approval:window") + f"?done={filing.notice.application_id}")
                return redirect("approval:detail", pk=app.pk)
    done = None
    done_raw = request.GET.get("done", "")
    if done_raw.isdigit():
        try:
            done = sel.application_get(actor=request.user, pk=int(done_raw))
        except NotFound:
            done = None
    library: list[Any] = []
    credit = None
    if subject is not None:
        library = list(library_items_for(subject).filter(withdrawn_at__isnull=True)[:LIBRARY_ROWS])
        credit = credit_summary(subject)
    board = sel.queue_board(jurisdiction=town)
    mine = [t for t in board["called"] if t.clerk_id == request.user.pk]
    labels = dict(QueueCategory.choices)
    return render(
        request,
        "approval/window.html",
        {
            "ident": str(params.get("id") or "").strip(),
            "found": found,
            "subject": subject,
            "library": library,
            "credit": credit,
            "items": sel.window_items(actor=request.user, town=town) if subject is not None else [],
            "themes": sel.window_themes(actor=request.user, town=town) if subject is not None else [],
            "worklist": sel.clerk_worklist(actor=request.user, limit=WORKLIST_ROWS),
            "town": town,
            "waiting": [(labels.get(k, k), v) for k, v in sorted(board["waiting"].items())],
            "my_ticket": mine[0] if mine else None,
            "done": done,
            "done_documents": sel.document_kinds(done) if done is not None else [],
        },
    )


@login_required
@require_GET
def window_applicants(request: HttpRequest) -> JsonResponse:
    """GET ``?q=``: the applicant by resident ID / USCC (check character verified), phone or name."""
    _desk_town(request)
    found = sel.window_subject_search(actor=request.user, q=request.GET.get("q", ""))
    if found["error"]:
        return _bad(found["error"], field="q")
    register = found["kind"] == "identifier" and not found["subjects"]
    return JsonResponse(
        {
            "kind": found["kind"],
            "results": [_subject_out(s) for s in found["subjects"]],
            "register": reverse("approval:window") + f"?id={found['identifier']}" if register else "",
        }
    )


@login_required
@require_GET
def window_item_search(request: HttpRequest) -> JsonResponse:
    """GET ``?q=``: items this desk files, by name, code, pinyin initials or synonyms; with the town's 一件事."""
    town = _desk_town(request)
    q = request.GET.get("q", "")
    if len(q) > 50:
        return _bad(_("搜索词过长（最多50个字）"), field="q")
    themes = sel.window_themes(actor=request.user, town=town)
    if q.strip():
        themes = [t for t in themes if q.strip() in t["theme"].name]
    return JsonResponse(
        {
            "results": [_item_out(i) for i in sel.window_items(actor=request.user, town=town, q=q)],
            "themes": [
                {"id": t["theme"].pk, "name": t["theme"].name, "items": [_item_out(i) for i in t["items"]]}
                for t in themes
            ],
        }
    )


@login_required
@require_GET
def window_materials(request: HttpRequest) -> JsonResponse:
    """GET ``?subject=&items=1,2``: the merged materials, what the library supplies, complete / 容缺 offered."""
    town = _desk_town(request)
    subject, found = _resolve_subject(request, request.GET)
    if subject is None:
        return _bad(found.get("error") or _("请先查找申请人"), field="subject", status=404)
    raw = [x for x in request.GET.get("items", "").split(",") if x.strip()]
    if any(not x.strip().isdigit() for x in raw):
        return _bad(_("事项编号有误"), field="items")
    items = _chosen_items(request, town, [x.strip() for x in raw])
    if len(items) != len(set(raw)):
        return _bad(_("所选事项不在本窗口受理范围内"), field="items", status=404)
    plan = sel.window_material_plan(subject=subject, items=items)
    return JsonResponse({**plan, "items": [_item_out(i) for i in items]})


@login_required
@require_POST
def window_call(request: HttpRequest) -> HttpResponse:
    """叫号: the next ticket to this clerk's window (JSON for the page's script; a redirect without it)."""
    town = _desk_town(request)
    raw = request.POST.get("window") or "1"
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not raw.isdigit() or not 1 <= int(raw) <= 99:
        if wants_json:
            return _bad(_("窗口号应为1至99"), field="window")
        messages.error(request, _("窗口号应为1至99"))
        return redirect("approval:window")
    try:
        ticket = svc.ticket_call_next(actor=request.user, jurisdiction=town, window=int(raw))
    except DomainError as exc:
        if wants_json:
            return _bad(exc.message, status=403 if exc.code == "permission_denied" else 400)
        messages.error(request, exc.message)
        return redirect("approval:window")
    if ticket is None:
        text = _("当前无人等候")
    else:
        text = _("请 %(n)s 号到 %(w)s 号窗口") % {"n": ticket.number, "w": ticket.window}
    if wants_json:
        out: dict[str, Any] = {"message": text, "ticket": None}
        if ticket is not None:
            out["ticket"] = {
                "number": ticket.number,
                "window": ticket.window,
                "category": ticket.get_category_display(),
            }
        return JsonResponse(out)
    (messages.success if ticket is not None else messages.info)(request, text)
    return redirect(reverse("approval:window") + f"?window={raw}")
