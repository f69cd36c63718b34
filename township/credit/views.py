"""Staff page: a subject's credit entries (those written inside the actor's reach) and its flags."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from township.core.errors import NotFound
from township.credit import selectors
from township.subjects.selectors import is_staff, subject_get


@login_required
def subject_records(request: HttpRequest, subject_id: int) -> HttpResponse:
    if not is_staff(request.user):
        raise Http404
    try:
        subject = subject_get(actor=request.user, pk=subject_id)  # present in the actor's reach, else 404
    except NotFound as exc:
        raise Http404 from exc
    records = list(selectors.credit_records_for(subject, actor=request.user))
    summary = selectors.credit_summary(subject)
    return render(
        request,
        "credit/subject_records.html",
        {"subject": subject, "records": records, "summary": summary, "elsewhere": summary["total"] - len(records)},
    )
