"""factory_boy factories of approval: an application built through the services (the case, its materials, the
clock — never rows written behind the engine's back), taken to the state a test needs.

    app = ApplicationFactory(actor=clerk_a, item=catalog["food"], applicant=luo)               # 待受理, complete
    app = ApplicationFactory(actor=clerk_a, item=…, applicant=luo, state=S.UNDER_REVIEW)        # accepted by actor
    app = ApplicationFactory(actor=clerk_a, item=…, applicant=luo, uploads={"sfz": pdf()})     # essentials missing
"""

from __future__ import annotations

from typing import Any

import factory

from township.approval import services as svc
from township.approval.machine import S
from township.approval.models import Application, Channel


def pdf(name: str = "doc.pdf") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + name.encode()
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def _every_essential(item: Any) -> dict[str, Any]:
    from township.catalog.selectors import item_version_current

    version = item_version_current(item)
    materials = version.snapshot.get("materials", []) if version else []
    return {m["material_type_code"]: pdf(f"{m['material_type_code']}.pdf") for m in materials if m["essential"]}


class ApplicationFactory(factory.Factory):
    """``application_submit`` by ``actor`` (every essential material uploaded unless ``uploads`` is given), then:
    ``state=S.UNDER_REVIEW`` accepts it (by ``staff``, default ``actor``), ``S.AWAITING_SUPPLEMENT`` asks for
    ``supplement`` (material codes) once."""

    class Meta:
        model = Application

    actor = None
    item = None
    applicant = None
    channel = Channel.WINDOW
    uploads = None
    state = S.SUBMITTED
    staff = None
    supplement = ("yyzz",)

    @classmethod
    def _create(cls, model_class: type[Application], **kw: Any) -> Application:
        state, staff, supplement = kw.pop("state"), kw.pop("staff"), kw.pop("supplement")
        if kw["uploads"] is None:
            kw["uploads"] = _every_essential(kw["item"])
        app = svc.application_submit(**kw)
        staff = staff or kw["actor"]
        if state == S.UNDER_REVIEW:
            svc.application_accept(application=app, actor=staff)
        elif state == S.AWAITING_SUPPLEMENT:
            svc.application_request_supplement(application=app, actor=staff, material_codes=list(supplement))
        elif state != S.SUBMITTED:
            raise ValueError(f"ApplicationFactory does not build state {state!r}")
        app.case.refresh_from_db()
        return app
