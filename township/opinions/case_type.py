"""The 社情民意 case type declared to the engine (issue 14)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from township.cases.types import Action, CaseType, MenuEntry
from township.core.errors import DomainError
from township.opinions import forms
from township.opinions.errors import Code
from township.opinions.machine import COLLECTORS, HANDLERS, MACHINE
from township.opinions.models import Opinion
from township.org.models import Role


def _classify(o: Opinion, actor: Any, d: dict[str, Any], files: Any) -> Any:
    from township.opinions import services

    return services.opinion_classify(opinion=o, actor=actor, category=d["category"], note=d.get("note", ""))


def _answer(o: Opinion, actor: Any, d: dict[str, Any], files: Any) -> Any:
    from township.opinions import services

    return services.opinion_answer(opinion=o, actor=actor, reply=d["reply"], internal_note=d.get("internal_note", ""))


def _archive(o: Opinion, actor: Any, d: dict[str, Any], files: Any) -> Any:
    from township.opinions import services

    return services.opinion_archive(opinion=o, actor=actor, outcome=d["outcome"], reply=d.get("reply", ""))


def _forward(key: str) -> Any:
    def handler(o: Opinion, actor: Any, d: dict[str, Any], files: Any) -> Any:
        from township.opinions import services

        extra = {"event_class": d["event_class"]} if d.get("event_class") else {}
        return services.opinion_forward(
            opinion=o, actor=actor, target=key, note=d.get("note", ""), reply=d.get("reply", ""), extra=extra
        )

    return handler


def _forward_available(key: str) -> Any:
    """Disabled, with the reason, while the receiving type is not installed or takes no forwarded matters."""

    def precheck(o: Opinion, actor: Any) -> None:
        from township.opinions.services import forward_unavailable

        reason = forward_unavailable(key)
        if reason:
            raise DomainError(Code.FORWARD_UNAVAILABLE, reason)

    return precheck


def _event_classes(case: Any, actor: Any) -> dict[str, Any]:
    from township.grid.selectors import event_class_list

    return {"classes": [(c.code, f"{c.major_name} / {c.name}") for c in event_class_list()]}


def _forward_action(name: str, label: Any, key: str, form: Any = forms.ForwardForm, kwargs: Any = None) -> Action:
    return Action(
        name,
        label,
        _forward(key),
        form,
        "forward",
        form_kwargs=kwargs,
        precheck=_forward_available(key),
        help=_("在接收业务中建立案件并双向关联，本件以“已转办”办结"),
        cite="DOMAIN2 §0.1",
    )


ACTIONS = (
    Action("opinion_classify", _("研判分类"), _classify, forms.ClassifyForm, "classify"),
    Action("opinion_answer", _("答复"), _answer, forms.AnswerForm, "answer"),
    _forward_action("opinion_to_hotline", _("转为12345工单"), "hotline_order"),
    _forward_action("opinion_to_petition", _("转为信访事项"), "petition"),
    _forward_action("opinion_to_grid", _("转为网格事件"), "grid_event", forms.ForwardGridForm, _event_classes),
    _forward_action("opinion_to_mediation", _("转为调解案件"), "mediation_case"),
    Action("opinion_archive", _("存档"), _archive, forms.ArchiveForm, "archive", danger=True),
)

VIEWERS = (*COLLECTORS, *HANDLERS, Role.LEADER)

OPINION = CaseType(
    machine=MACHINE,
    record=Opinion,
    page="opinions:case",
    actions=ACTIONS,
    menu=(
        MenuEntry(_("社情民意"), "opinions:list", roles=tuple(dict.fromkeys(VIEWERS)), order=60),
        MenuEntry(_("登记社情民意"), "opinions:collect", roles=COLLECTORS, order=61),
        MenuEntry(_("社情民意统计"), "opinions:stats", roles=HANDLERS, order=62),
        MenuEntry(_("我的意见建议"), "opinions:mine", roles=(Role.APPLICANT,), order=63),
    ),
    facts=lambda case: _facts(case),
)


def _facts(case: Any) -> dict[str, Any]:
    record = getattr(case, "_case_type_record", None)
    if record is not None:
        return {"category": record.category}
    row = Opinion.objects.filter(jurisdiction_id=case.jurisdiction_id, case_id=case.pk).values_list("category").first()
    return {"category": row[0] if row else ""}
