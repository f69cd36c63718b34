"""双随机一公开 services: items, the subject and inspector pools, conflicts, plans, the draw, results, publication."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import JSONField, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from township.core.errors import DomainError
from township.enforcement import draw as drawing
from township.enforcement import rules
from township.enforcement.errors import Code
from township.enforcement.models import (
    Clue,
    ConflictOfInterest,
    Credential,
    CreditClass,
    InspectionItem,
    InspectionPlan,
    InspectionTarget,
    InspectionVisit,
    Officer,
)
from township.enforcement.services import MANAGER_ROLES, OFFICER_ROLES, _town, clue_create, config_for, require_role
from township.org.models import Department, Jurisdiction, Role

PLAN_ROLES = MANAGER_ROLES + (Role.ENFORCEMENT_OFFICER,)


def inspection_item_create(
    *,
    jurisdiction: Jurisdiction | str,
    department: Department,
    code: str,
    name: str,
    actor: Any,
    domain: str = "other",
    basis: str = "",
    method: str = "",
) -> InspectionItem:
    """随机抽查事项清单: one item of one department. Errors: permission_denied, department_outside, code_taken."""
    town = _town(jurisdiction)
    require_role(actor, town.pk, MANAGER_ROLES)
    if department.jurisdiction_id != town.pk:
        raise DomainError(Code.DEPARTMENT_OUTSIDE, _("部门不属于该单位"), field="department")
    if InspectionItem.objects.filter(jurisdiction=town, code=code).exists():
        raise DomainError(Code.CODE_TAKEN, _("事项编码已存在"), field="code")
    return InspectionItem.objects.create(
        jurisdiction=town, department=department, code=code, name=name, domain=domain, basis=basis, method=method
    )


def inspection_target_add(
    *,
    jurisdiction: Jurisdiction | str,
    uscc: str,
    name: str,
    actor: Any,
    credit_class: str = "B",
    kind: str = InspectionTarget.Kind.ENTERPRISE,
    village: Any = None,
    address: str = "",
    subject: Any = None,
) -> InspectionTarget:
    """Add a market subject to the 检查对象名录库. Errors: permission_denied, credit_class_invalid, uscc errors."""
    from township.core.identifiers import validate_uscc

    town = _town(jurisdiction)
    require_role(actor, town.pk, MANAGER_ROLES)
    if credit_class not in CreditClass.values:
        raise DomainError(Code.CREDIT_CLASS_INVALID, _("信用风险分类须为A、B、C、D之一"), field="credit_class")
    target, _created = InspectionTarget.objects.update_or_create(
        jurisdiction=town,
        uscc=validate_uscc(uscc),
        defaults={
            "name": name,
            "kind": kind,
            "credit_class": credit_class,
            "village_id": getattr(village, "pk", village),
            "address": address,
            "subject": subject,
            "active": True,
        },
    )
    return target


def inspection_pool_sync(*, jurisdiction: Jurisdiction | str, actor: Any) -> int:
    """Fill the subject pool from the subjects registry: enterprises and 个体工商户 registered in the town or its
    villages, with their credit class (B when unclassified). Returns how many rows were added or updated."""
    from township.subjects.models import Subject

    town = _town(jurisdiction)
    require_role(actor, town.pk, MANAGER_ROLES)
    kinds = {
        "enterprise": InspectionTarget.Kind.ENTERPRISE,
        "individual_business": InspectionTarget.Kind.INDIVIDUAL_BUSINESS,
    }
    rows = Subject.objects.filter(
        kind="org", org_kind__in=list(kinds), registered_in__code__startswith=town.pk
    ).order_by("id")
    n = 0
    for s in rows.iterator():
        InspectionTarget.objects.update_or_create(
            jurisdiction=town,
            uscc=s.uscc,
            defaults={
                "name": s.name,
                "kind": kinds[s.org_kind],
                "credit_class": s.credit_class or CreditClass.B,
                "village_id": s.village_id if s.village_id and s.village_id.startswith(town.pk) else None,
                "address": s.address,
                "subject": s,
                "active": True,
            },
        )
        n += 1
    return n


def conflict_register(*, officer: Officer, target: InspectionTarget, relation: str, actor: Any) -> ConflictOfInterest:
    """利害关系登记: the inspector is never drawn for this subject. Errors: permission_denied, relation_required."""
    require_role(actor, officer.jurisdiction_id, MANAGER_ROLES)
    if officer.jurisdiction_id != target.jurisdiction_id:
        raise DomainError(Code.CONFLICT_OUTSIDE, _("检查人员与检查对象须属于同一单位"))
    if not relation.strip():
        raise DomainError(Code.RELATION_REQUIRED, _("请填写利害关系"), field="relation")
    row, _created = ConflictOfInterest.objects.get_or_create(
        jurisdiction_id=officer.jurisdiction_id, officer=officer, target=target, defaults={"relation": relation.strip()}
    )
    return row


def _next_plan_number(town: Jurisdiction, year: int) -> str:
    prefix = f"{town.display_short()}抽〔{year}〕"
    last = InspectionPlan.objects.filter(jurisdiction=town, number__startswith=prefix).order_by("-number").first()
    n = int(last.number[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{n:03d}"


@transaction.atomic
def inspection_plan_create(
    *,
    jurisdiction: Jurisdiction | str,
    name: str,
    departments: Sequence[Department],
    items: Sequence[InspectionItem],
    period_start: dt.date,
    period_end: dt.date,
    ratios: dict[str, Any],
    actor: Any,
    inspectors_per_check: int = 2,
    min_count: int = 1,
) -> InspectionPlan:
    """抽查计划. Several departments make a joint plan (联合抽查: one visit, several checks).
    Errors: permission_denied, inspectors_per_check, ratio_invalid, period_invalid, department_outside, item_outside."""
    town = _town(jurisdiction)
    require_role(actor, town.pk, PLAN_ROLES)
    if inspectors_per_check < 2:
        raise DomainError(
            Code.INSPECTORS_PER_CHECK,
            _("每次检查的执法检查人员不得少于两人（行政处罚法第四十二条）"),
            field="inspectors_per_check",
        )
    if period_end < period_start:
        raise DomainError(Code.PERIOD_INVALID, _("结束日期不能早于开始日期"), field="period_end")
    clean: dict[str, float] = {}
    if not ratios:  # the ratios by grade of the credit policy (信用风险分类监管)
        from township.enforcement.credit_policy import default_ratios

        ratios = default_ratios()
    for cls in drawing.CLASSES:
        value = float(ratios.get(cls, 0))
        if not 0 <= value <= 1:
            raise DomainError(Code.RATIO_INVALID, _("抽查比例须在0至100%之间"), field="ratios")
        clean[cls] = value
    if not departments:
        raise DomainError(Code.DEPARTMENT_REQUIRED, _("请选择参与部门"), field="departments")
    dept_ids = sorted({d.pk for d in departments})
    if any(d.jurisdiction_id != town.pk for d in departments):
        raise DomainError(Code.DEPARTMENT_OUTSIDE, _("部门不属于该单位"), field="departments")
    if any(i.jurisdiction_id != town.pk or i.department_id not in dept_ids for i in items):
        raise DomainError(Code.ITEM_OUTSIDE, _("抽查事项须属于参与部门"), field="items")
    return InspectionPlan.objects.create(
        jurisdiction=town,
        number=_next_plan_number(town, period_start.year),
        name=name,
        departments=dept_ids,
        items=sorted({i.pk for i in items}),
        period_start=period_start,
        period_end=period_end,
        ratios=clean,
        min_count=min_count,
        inspectors_per_check=inspectors_per_check,
    )


def build_snapshot(plan: InspectionPlan, on: dt.date) -> drawing.Snapshot:
    """The pool as it stands: active targets, credentialed inspectors of the plan's departments, conflicts."""
    code = plan.jurisdiction_id
    targets = graded_targets(code, on)
    covered: dict[int, set[str] | None] = {}  # officer → domains their valid credentials cover (None: every domain)
    for oid, domains in Credential.objects.filter(
        jurisdiction_id=code, revoked=False, valid_from__lte=on, valid_until__gte=on
    ).values_list("officer_id", "domains"):
        if not domains or covered.get(oid, set()) is None:
            covered[oid] = None
        else:
            covered[oid] = (covered.get(oid) or set()) | {str(d) for d in domains}
    valid_officers = set(covered)
    inspectors: dict[str, list[int]] = {str(d): [] for d in plan.departments}
    for oid, dept in (
        Officer.objects.filter(
            jurisdiction_id=code, active=True, in_inspector_pool=True, department_id__in=plan.departments
        )
        .order_by("id")
        .values_list("id", "department_id")
    ):
        if oid in valid_officers:
            inspectors[str(dept)].append(oid)
    conflicts = sorted(ConflictOfInterest.objects.filter(jurisdiction_id=code).values_list("officer_id", "target_id"))
    items: dict[str, list[int]] = {str(d): [] for d in plan.departments}
    domains: dict[str, set[str]] = {str(d): set() for d in plan.departments}
    for iid, dept, domain in (
        InspectionItem.objects.filter(jurisdiction_id=code, pk__in=plan.items)
        .order_by("id")
        .values_list("id", "department_id", "domain")
    ):
        items[str(dept)].append(iid)
        domains[str(dept)].add(domain)
    params = {
        "plan": plan.number,
        "departments": [str(d) for d in plan.departments],
        "ratios": plan.ratios,
        "min_count": plan.min_count,
        "inspectors_per_check": plan.inspectors_per_check,
        "items": items,
        "domains": {d: sorted(v) for d, v in domains.items()},  # each department's check: its items' domains
        "date": on.isoformat(),
    }
    drawable = {o for ids in inspectors.values() for o in ids}
    coverage = {str(o): sorted(c) for o, c in covered.items() if c is not None and o in drawable}
    return drawing.Snapshot(
        targets=targets,  # (int, str) pairs as read: no copy of 100,000 tuples
        inspectors=inspectors,
        conflicts=[(int(o), int(t)) for o, t in conflicts],
        params=params,
        coverage=coverage or None,
    )


def graded_targets(jurisdiction_id: str, on: dt.date) -> list[tuple[int, str]]:
    """(target id, grade) of the active pool: the credit core's computed grade of the target's subject on ``on``
    (``credit.selectors.credit_grade``; the stored class for a target without a subject), leaving out a subject
    checked more recently than its grade's frequency allows (``credit_policy.due_again``).

    Set-based (issue 18: 100,000 subjects): plain tuples, no model instances, no join. Only subjects with a credit
    record in force or a grade override are graded one by one; every other subject gets the grade the rule gives to no
    record under its town's scheme (``registered_in``), computed once per scheme (``credit_grade_computed`` of one such
    subject). The subject → scheme pairs are read only when the schemes in the pool give different grades."""
    from django.db.models import Max, Min

    from township.credit import selectors as credit
    from township.enforcement import credit_policy
    from township.subjects.models import Subject

    pool = InspectionTarget.objects.filter(jurisdiction_id=jurisdiction_id, active=True)
    checked = dict(  # the last check of each target checked at all (few; index enf_visit_checked)
        InspectionVisit.objects.filter(jurisdiction_id=jurisdiction_id, checked_on__isnull=False)
        .order_by()
        .values("target_id")
        .annotate(last=Max("checked_on"))
        .values_list("target_id", "last")
    )
    rows = list(pool.order_by("id").values_list("id", "subject_id", "credit_class"))
    subjects = pool.filter(subject__isnull=False).values("subject_id")
    plain: dict[int, str] = {}  # subject → the grade of its scheme with nothing on record (see ``plain_grade``)
    plain_grade: str | None = None  # … when every scheme in the pool gives the same one
    if getattr(credit.credit_grade, "__module__", "") == credit.__name__:
        special = set(credit.records_in_force(on).filter(subject_id__in=subjects).values_list("subject_id", flat=True))
        special |= set(
            Subject.objects.filter(pk__in=subjects, credit_overrides__isnull=False).values_list("pk", flat=True)
        )
        ordinary = Subject.objects.filter(pk__in=subjects).exclude(pk__in=special)
        schemes = {  # scheme → its grade with nothing on record, from one subject of it without records
            scheme: credit.credit_grade_computed(Subject(pk=one, registered_in_id=scheme), on).grade
            for scheme, one in ordinary.order_by()
            .values("registered_in_id")
            .annotate(one=Min("id"))
            .values_list("registered_in_id", "one")
        }
        if len(set(schemes.values())) == 1:
            plain_grade = next(iter(schemes.values()))
        elif schemes:
            plain = {sid: schemes[reg] for sid, reg in ordinary.values_list("pk", "registered_in_id")}
    else:  # ``credit_grade`` replaced (a test pinning the grades): ask it for every subject
        # TODO(issue 18): a batched credit.selectors.credit_grades(subject_ids, on) would replace this shortcut
        special = set(pool.filter(subject__isnull=False).values_list("subject_id", flat=True))
    by_subject = {s.pk: s for s in Subject.objects.filter(pk__in=special)} if special else {}
    due_again = credit_policy.due_again
    out = []
    for tid, sid, stored in rows:
        if sid is None:
            grade = stored or "B"
        elif sid in by_subject:
            grade = credit.credit_grade(by_subject[sid], on=on)
        else:
            # (a subject that left the pool between the reads above is graded on its own)
            grade = plain_grade or plain.get(sid) or credit.credit_grade(Subject.objects.get(pk=sid), on=on)
        if tid not in checked or due_again(grade, checked[tid], on):
            out.append((tid, grade))
    return out


def _domain_shortage(plan: InspectionPlan, params: dict[str, Any]) -> DomainError:
    """行政处罚法第42条: the refusal names the department, the domain and the subject short of two inspectors."""
    from township.enforcement.models import Domain

    dept = Department.objects.filter(pk=int(params["department"])).values_list("name", flat=True).first()
    target = InspectionTarget.objects.filter(pk=params["target"]).values_list("name", flat=True).first()
    domain = params["domain"]
    label = str(Domain(domain).label) if domain in Domain.values else domain
    return DomainError(
        Code.INSPECTORS_DOMAIN_INSUFFICIENT,
        _(
            "联合检查中“%(dept)s”的检查（%(domain)s领域）须由至少两名执法证载明该领域的检查人员实施，"
            "对“%(target)s”可抽取的仅%(have)s人（行政处罚法第四十二条）；请补充持证人员或调整抽查事项后重新抽取"
        )
        % {"dept": dept or params["department"], "domain": label, "target": target or "", "have": params["have"]},
        field="departments",
    )


@transaction.atomic
def inspection_plan_draw(*, plan: InspectionPlan, actor: Any, seed: str | None = None) -> InspectionPlan:
    """The draw: a recorded seed, the SHA-256 of the pool snapshot, conflicts excluded, joint departments merged into
    one visit per subject; in each visit every department's check has two inspectors whose credentials cover its domain
    (Art 42). The visits are stored. Errors: permission_denied, plan_drawn, inspectors_insufficient,
    inspectors_domain_insufficient."""
    require_role(actor, plan.jurisdiction_id, PLAN_ROLES)
    plan = InspectionPlan.objects.select_for_update().get(jurisdiction_id=plan.jurisdiction_id, pk=plan.pk)
    if plan.status != InspectionPlan.Status.DRAFT:
        raise DomainError(Code.PLAN_DRAWN, _("该计划已抽取，不能重复抽取"))
    now = timezone.now()
    snapshot = build_snapshot(plan, timezone.localdate(now))
    seed = seed or secrets.token_hex(16)
    try:
        result = drawing.draw(snapshot, seed)
    except drawing.DrawError as exc:
        if exc.code == Code.INSPECTORS_DOMAIN_INSUFFICIENT:
            raise _domain_shortage(plan, exc.params) from exc
        raise DomainError(
            exc.code,
            _("可抽取的执法检查人员不足（排除利害关系后每户需%(n)s人）") % {"n": plan.inspectors_per_check},
        ) from exc
    plan.seed = seed
    encoded = snapshot.canonical()  # canonical JSON: its SHA-256 is ``snapshot.hash``
    plan.snapshot = encoded.decode("utf-8")
    plan.pool_hash = hashlib.sha256(encoded).hexdigest()
    stored = drawing.canonical(result)  # the result's canonical JSON: hashed, and stored as it is (encoded once)
    plan.result = Cast(Value(stored.decode("utf-8")), output_field=JSONField())
    plan.result_hash = hashlib.sha256(stored).hexdigest()  # = drawing.result_hash(result)
    plan.drawn_at = now
    plan.drawn_by = actor
    plan.status = InspectionPlan.Status.DRAWN
    try:
        plan.save()
    finally:
        plan.result = result  # the instance holds the data again, not the expression that stored it
    _store_visits(plan, result["visits"])
    return plan


def _store_visits(plan: InspectionPlan, visits: list[dict[str, Any]]) -> None:
    """The drawn visits in one statement: ``COPY`` of plain rows on PostgreSQL (a draw stores ~10,000 visits;
    building and encoding model instances was most of the draw's time), ``bulk_create`` elsewhere."""
    from django.db import connection

    def per_row(v: dict[str, Any]) -> dict[str, Any]:
        return {
            "target_id": v["target"],
            "departments": [int(d) for d in v["departments"]],
            "items": v["items"],
            "inspectors": v["inspectors"],
        }

    if connection.vendor != "postgresql" or not visits:
        InspectionVisit.objects.bulk_create(
            [InspectionVisit(jurisdiction_id=plan.jurisdiction_id, plan=plan, **per_row(v)) for v in visits],
            batch_size=2000,
        )
        return
    import json

    template = InspectionVisit(jurisdiction_id=plan.jurisdiction_id, plan=plan, target_id=0)
    fields = [f for f in InspectionVisit._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    base = [  # the same in every row: the plan, the town, the empty result fields (the four below are replaced)
        f.get_db_prep_save(f.pre_save(template, True), connection)
        if f.attname not in ("target_id", "departments", "items", "inspectors")
        else None
        for f in fields
    ]
    at_target, at_depts, at_items, at_inspectors = (
        names.index(n) for n in ("target_id", "departments", "items", "inspectors")
    )
    table = connection.ops.quote_name(InspectionVisit._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    shared: dict[tuple[str, tuple[Any, ...]], str] = {}  # departments and items repeat across visits: encoded once

    def encoded(kind: str, values: list[Any]) -> str:
        key = (kind, tuple(values))
        text = shared.get(key)
        if text is None:
            text = shared[key] = dumps([int(d) for d in values] if kind == "departments" else values)
        return text

    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for v in visits:
                row = base.copy()
                row[at_target] = v["target"]
                row[at_depts] = encoded("departments", v["departments"])
                row[at_items] = encoded("items", v["items"])
                row[at_inspectors] = _int_list_json(v["inspectors"]) or dumps(v["inspectors"])
                copy.write_row(row)


def _int_list_json(values: list[Any]) -> str | None:
    """``[1,2]`` as ``json`` writes it compactly, for a list of plain ints (7,600 lists a draw: a call of the
    encoder each was most of the rows' time); None for anything else."""
    if all(type(x) is int for x in values):
        return "[" + ",".join(map(str, values)) + "]"
    return None


def inspection_plan_verify(plan: InspectionPlan) -> tuple[bool, list[str]]:
    """Re-run a recorded draw from its stored snapshot and seed; compare with the stored result and visits."""
    if not plan.seed:
        return False, ["plan has not been drawn"]
    ok, problems = drawing.verify(plan.snapshot, plan.seed, plan.pool_hash, plan.result)
    if drawing.result_hash(plan.result) != plan.result_hash:
        problems.append("stored result does not match its recorded SHA-256")
    stored = sorted(
        (v.target_id, tuple(sorted(v.inspectors)))
        for v in InspectionVisit.objects.filter(jurisdiction_id=plan.jurisdiction_id, plan=plan)
    )
    expected = sorted((v["target"], tuple(v["inspectors"])) for v in plan.result.get("visits", []))
    if stored != expected:
        problems.append("stored visits differ from the recorded result")
    return (not problems, problems)


RESULTS = {
    "normal": _lazy("未发现问题"),
    "problem": _lazy("发现问题"),
    "not_found": _lazy("未找到检查对象"),
    "closed": _lazy("已停业或注销"),
}


def visit_inspector_user_ids(visit: InspectionVisit) -> set[int]:
    """The users behind the officers drawn for the visit."""
    return set(
        Officer.objects.filter(jurisdiction_id=visit.jurisdiction_id, pk__in=visit.inspectors).values_list(
            "user_id", flat=True
        )
    )


@transaction.atomic
def inspection_result_record(
    *, visit: InspectionVisit, actor: Any, result: str, checked_on: dt.date, findings: str = ""
) -> InspectionVisit:
    """Record the check — by one of the inspectors drawn for it (谁检查、谁录入), before its publication; the result
    is due on the portal within 20 working days; a finding becomes a clue.
    Errors: permission_denied, not_inspector, result_published, result_invalid, findings_required, check_date_invalid."""
    require_role(actor, visit.jurisdiction_id, OFFICER_ROLES + MANAGER_ROLES)
    if result not in RESULTS:
        raise DomainError(Code.RESULT_INVALID, _("检查结果无效"), field="result")
    if result == "problem" and not findings.strip():
        raise DomainError(Code.FINDINGS_REQUIRED, _("发现问题的须写明问题"), field="findings")
    v = (
        InspectionVisit.objects.select_for_update()
        .select_related("target", "plan")
        .get(jurisdiction_id=visit.jurisdiction_id, pk=visit.pk)
    )
    if getattr(actor, "pk", None) not in visit_inspector_user_ids(v):
        raise DomainError(Code.NOT_INSPECTOR, _("检查结果由抽中的检查人员录入（谁检查、谁录入）"), field="result")
    if v.published_at is not None:
        raise DomainError(Code.RESULT_PUBLISHED, _("检查结果已公示，不能再修改"), field="result")
    if checked_on > timezone.localdate() or checked_on < v.plan.period_start:
        raise DomainError(
            Code.CHECK_DATE_INVALID, _("检查日期不能早于计划开始日期，也不能晚于今天"), field="checked_on"
        )
    v.result = result
    v.findings = findings.strip()
    v.checked_on = checked_on
    v.publish_by = rules.agency_deadline(checked_on, config_for(v.jurisdiction_id).inspection_publish_working_days)
    if result == "problem" and v.clue_id is None:
        v.clue = clue_create(
            jurisdiction=v.jurisdiction_id,
            source=Clue.Source.RANDOM_INSPECTION,
            summary=_("双随机抽查发现问题：%(f)s") % {"f": v.findings},
            actor=None,
            village=v.target.village_id,
            source_ref=v.plan.number,
            party_kind="organisation",
            party_name=v.target.name,
            party_id_number=v.target.uscc,
            subject=v.target.subject,
        )
    v.save()
    return v


def inspection_result_publish(*, visits: Iterable[InspectionVisit], actor: Any) -> int:
    """一公开: publish recorded results on the portal. Returns how many were published."""
    n = 0
    now = timezone.now()
    for v in visits:
        require_role(actor, v.jurisdiction_id, OFFICER_ROLES + MANAGER_ROLES)
        if v.result and v.published_at is None:
            n += InspectionVisit.objects.filter(
                jurisdiction_id=v.jurisdiction_id, pk=v.pk, published_at__isnull=True
            ).update(published_at=now)
    return n


def inspection_plan_publish(*, plan: InspectionPlan, actor: Any) -> int:
    """Publish every recorded, unpublished result of the plan (the plan page's 公示检查结果)."""
    return inspection_result_publish(
        visits=InspectionVisit.objects.filter(
            jurisdiction_id=plan.jurisdiction_id, plan=plan, published_at__isnull=True
        ).exclude(result=""),
        actor=actor,
    )


def inspection_results_public(*, jurisdiction: str, limit: int = 200) -> list[dict[str, Any]]:
    """Published results of one jurisdiction for the portal (enterprises' names are public)."""
    rows = (
        InspectionVisit.objects.filter(jurisdiction_id=jurisdiction, published_at__isnull=False)
        .select_related("plan", "target")
        .order_by("-published_at", "-id")[:limit]
    )
    return [
        {
            "plan": v.plan.number,
            "plan_name": v.plan.name,
            "target": v.target.name,
            "uscc": v.target.uscc,
            "result": v.result,
            "result_label": str(RESULTS.get(v.result, v.result)),
            "findings": v.findings,
            "checked_on": v.checked_on,
            "published_at": v.published_at,
        }
        for v in rows
    ]
