"""What a person may do on a case, and the one dispatch that does it — derived from the case-type registry.

``actions_for(case, actor)`` lists the actions offered to ``actor`` now: by state and role (hidden otherwise), then a
dry run of the facts (the edge's fact guards and the action's ``precheck``): a step that cannot succeed is listed
disabled, with the reason. ``act(case, name, actor, data, files)`` validates the input with the action's form and
calls its handler; the web page (``/cases/<id>/actions/<name>/``) and the API (``/api/v1/cases/{id}/actions/{name}``)
both come through here, so a rule is written once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils.translation import gettext as _

from township.cases.errors import TransitionRefused
from township.cases.machine import OWNER, SYSTEM
from township.cases.models import Case
from township.cases.types import Action, CaseType, case_type_for
from township.core.errors import DomainError
from township.org.scoping import has_role


@dataclass(frozen=True)
class Offer:
    """An action as offered to one person on one case: enabled, or disabled with the reason."""

    action: Action
    case_type: CaseType
    enabled: bool
    reason: str = ""

    @property
    def name(self) -> str:
        return self.action.name

    @property
    def label(self) -> str:
        return str(self.action.label)


def may_take(case: Case, roles: tuple[str, ...], actor: Any) -> bool:
    """Whether ``actor`` holds one of ``roles`` for ``case`` (the owner role for the applicant or reporter)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if OWNER in roles and case.owner_id is not None and case.owner_id == actor.pk:
        return True
    staff = [r for r in roles if r not in (OWNER, SYSTEM)]
    return bool(staff) and has_role(actor, case.jurisdiction_id, staff, case.village_id)


def _offered(ct: CaseType, action: Action, case: Case, actor: Any) -> bool:
    if case.state not in ct.states_of(action) or not may_take(case, ct.roles_of(action), actor):
        return False
    return action.applies is None or action.applies(ct.record_for(case), actor)


def _dry_run(ct: CaseType, action: Action, case: Case, actor: Any, facts: dict[str, Any]) -> str:
    """Empty when pressing the button can succeed as far as the facts go; otherwise why not."""
    from township.cases.services import check_transition

    try:
        if action.transition:
            check_transition(case, action.transition, actor, {}, dry_run=True, facts=facts)
        if action.precheck is not None:
            action.precheck(ct.record_for(case), actor)
    except DomainError as exc:
        return exc.message
    return ""


def actions_for(case: Case, actor: Any, *, dry_run: bool = True) -> list[Offer]:
    """The actions ``actor`` may take on ``case`` now, in declaration order; each enabled or disabled with why."""
    if case.closed_at is not None and not case.machine.available(case.state):
        return []
    ct = case_type_for(case.case_type)
    try:
        ct.record_for(case)  # read once, kept on the case for the dry runs, forms and handler
    except ObjectDoesNotExist:  # a case without its business record (never in a whole database) offers nothing
        return []
    out: list[Offer] = []
    facts: dict[str, Any] | None = None
    for action in ct.all_actions():
        if not _offered(ct, action, case, actor):
            continue
        if dry_run and facts is None:
            facts = ct.facts_for(case)  # once for all the buttons of the page
        reason = _dry_run(ct, action, case, actor, facts or {}) if dry_run else ""
        out.append(Offer(action=action, case_type=ct, enabled=not reason, reason=reason))
    return out


def build_form(
    action: Action, case: Case, actor: Any, data: Mapping[str, Any] | None = None, files: Any = None
) -> forms.Form | None:
    """The action's form, bound to ``data``/``files`` when given, with its per-case choices (people of the unit…)."""
    if action.form is None:
        return None
    kwargs = action.form_kwargs(case, actor) if action.form_kwargs is not None else {}
    if data is None and files is None:
        return action.form(**kwargs)
    return action.form(data, files, **kwargs)


def form_error(form: forms.Form) -> DomainError:
    """The first error of an invalid form as ``{code: invalid_input, message, field}`` (the message in Chinese)."""
    for field_name, errors in form.errors.items():
        label = form.fields[field_name].label if field_name in form.fields else ""
        message = f"{label}：{errors[0]}" if label else str(errors[0])
        return DomainError("invalid_input", message, field=None if field_name == "__all__" else field_name)
    return DomainError("invalid_input", _("输入有误"))


def act(case: Case, name: str, actor: Any, data: Mapping[str, Any] | None = None, files: Any = None) -> Any:
    """Take action ``name`` on ``case`` as ``actor``: offered? input valid? then the handler (one transaction).

    Error codes: action_unknown, action_not_offered, action_role_required, invalid_input, and the handler's own.
    """
    ct = case_type_for(case.case_type)
    action = ct.action(name)
    if action is None:
        raise TransitionRefused("action_unknown", field="action")
    if case.state not in ct.states_of(action):
        raise TransitionRefused("action_not_offered", state=case.machine.state_label(case.state), action=action.label)
    if not may_take(case, ct.roles_of(action), actor):
        raise TransitionRefused("action_role_required", action=action.label)
    record = ct.record_for(case)
    if action.applies is not None and not action.applies(record, actor):
        raise TransitionRefused("action_not_offered", state=case.machine.state_label(case.state), action=action.label)
    if action.precheck is not None:
        action.precheck(record, actor)  # the same facts that disable the button refuse the step
    cleaned: dict[str, Any] = {}
    form = build_form(action, case, actor, data or {}, files)
    if form is not None:
        if not form.is_valid():
            raise form_error(form)
        cleaned = dict(form.cleaned_data)
    elif data:
        cleaned = {"comment": str(data.get("comment", ""))[:2000]}
    with transaction.atomic():
        return action.handler(record, actor, cleaned, files)


# --- the API's input schema, derived from the action's form ----------------------------------------------------


def _field_schema(f: forms.Field) -> dict[str, Any]:
    label = str(f.label or "")
    out: dict[str, Any]
    if isinstance(f, forms.BooleanField):
        out = {"type": "boolean"}
    elif (
        isinstance(f, forms.TypedMultipleChoiceField)
        and f.coerce is int
        or isinstance(f, forms.ModelMultipleChoiceField)
    ):
        out = {"type": "array", "items": {"type": "integer"}}
    elif isinstance(f, forms.MultipleChoiceField):
        items: dict[str, Any] = {"type": "string"}
        values = [str(k) for k, _v in _static_choices(f)]
        if values:
            items["enum"] = values
        out = {"type": "array", "items": items}
    elif isinstance(f, forms.TypedChoiceField) and f.coerce is int or isinstance(f, forms.ModelChoiceField):
        out = {"type": "integer"}
    elif isinstance(f, forms.ChoiceField):
        out = {"type": "string"}
        values = [str(k) for k, _v in _static_choices(f) if k != ""]
        if values:
            out["enum"] = values
    elif isinstance(f, forms.IntegerField):
        out = {"type": "integer"}
        if f.min_value is not None:
            out["minimum"] = f.min_value
        if f.max_value is not None:
            out["maximum"] = f.max_value
    elif isinstance(f, forms.DecimalField | forms.FloatField):
        out = {"type": "number"}
        if isinstance(f.min_value, int | float):
            out["minimum"] = float(f.min_value)
    elif isinstance(f, forms.DateTimeField):
        out = {"type": "string", "format": "date-time"}
    elif isinstance(f, forms.DateField):
        out = {"type": "string", "format": "date"}
    elif isinstance(f, forms.FileField):
        out = {"type": "array", "items": {"type": "string", "format": "binary"}}
    else:
        out = {"type": "string"}
        max_length = getattr(f, "max_length", None)
        if max_length:
            out["maxLength"] = max_length
    if label:
        out["title"] = label
    if f.help_text:
        out["description"] = str(f.help_text)
    return out


def _static_choices(f: forms.ChoiceField) -> list[tuple[Any, Any]]:
    choices: Any = f.choices
    try:
        return [(k, v) for k, v in choices if not isinstance(v, list | tuple)]
    except TypeError:  # pragma: no cover - lazy choices that need a request
        return []


def input_schema(action: Action) -> dict[str, Any]:
    """The JSON schema of the action's input (its form's fields; ``comment`` for a plain button)."""
    if action.form is None:
        return {
            "type": "object",
            "properties": {"comment": {"type": "string", "title": _("说明"), "maxLength": 2000}},
            "additionalProperties": False,
        }
    fields = action.form.base_fields  # the declared fields (per-case choices are filled in when a form is built)
    properties = {name: _field_schema(f) for name, f in fields.items()}
    required = [name for name, f in fields.items() if f.required and not isinstance(f, forms.FileField)]
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def has_files(action: Action) -> bool:
    if action.form is None:
        return False
    return any(isinstance(f, forms.FileField) for f in action.form.base_fields.values())


# --- the web panel: the same offers as buttons with their forms ------------------------------------------------

FLASH_KEY = "township.case_action_refused"


def flash_refusal(request: Any, case: Case, name: str, error: DomainError, data: Any) -> None:
    """Keep a refused action's message and input for the page it came from (post/redirect/get)."""
    kept = {k: data.getlist(k) if hasattr(data, "getlist") else data[k] for k in data if k != "csrfmiddlewaretoken"}
    request.session[FLASH_KEY] = {
        "case": case.pk,
        "action": name,
        "message": error.message,
        "field": error.field or "",
        "data": kept,
    }


def panel(request: Any, case: Case) -> list[dict[str, Any]]:
    """The actions of ``case`` for the signed-in user, each with its form (refilled after a refusal) and its URL.

    Include ``cases/_actions.html`` with ``panel`` in a case page; every page of every case type shows the same
    offers, posted to ``/cases/<id>/actions/<name>/``.
    """
    from django.http import QueryDict
    from django.urls import reverse

    flashed = request.session.get(FLASH_KEY)
    if flashed and flashed.get("case") == case.pk:
        request.session.pop(FLASH_KEY, None)
    else:
        flashed = None
    out: list[dict[str, Any]] = []
    offers = actions_for(case, request.user)
    if flashed and flashed["action"] not in {o.name for o in offers}:
        from django.contrib import messages

        messages.error(request, flashed["message"])  # the step is no longer offered: say why at the top
    for offer in offers:
        error = ""
        form: forms.Form | None
        if flashed and flashed["action"] == offer.name:
            data = QueryDict(mutable=True)
            for k, v in flashed["data"].items():
                data.setlist(k, v if isinstance(v, list) else [v])
            form = build_form(offer.action, case, request.user, data, None)
            error = flashed["message"]
            if form is not None:
                form.is_valid()
                field = flashed["field"]
                if field and field in form.fields and not form.errors.get(field):
                    form.add_error(field, error)
        else:
            form = build_form(offer.action, case, request.user) if offer.enabled else None
        out.append(
            {
                "offer": offer,
                "form": form,
                "error": error,
                "multipart": has_files(offer.action),
                "url": reverse("case-action", args=[case.pk, offer.name]),
            }
        )
    return out
