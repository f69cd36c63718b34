"""Services of the 12345 hotline: the public names (one transaction each)."""

from township.hotline.services.config import (
    duties_seed,
    duty_delete,
    duty_save,
    period_delete,
    period_save,
)
from township.hotline.services.imports import job_create, job_run, run_queued_jobs, template_xlsx
from township.hotline.services.orders import (
    order_answer,
    order_callback,
    order_close,
    order_create,
    order_dispatch,
    order_extend_approve,
    order_extend_reject,
    order_extend_request,
    order_finish,
    order_return,
    order_rework,
    order_sign,
    order_to_center,
)

__all__ = [
    "duties_seed",
    "duty_delete",
    "duty_save",
    "job_create",
    "job_run",
    "order_answer",
    "order_callback",
    "order_close",
    "order_create",
    "order_dispatch",
    "order_extend_approve",
    "order_extend_reject",
    "order_extend_request",
    "order_finish",
    "order_rework",
    "order_return",
    "order_sign",
    "order_to_center",
    "period_delete",
    "period_save",
    "run_queued_jobs",
    "template_xlsx",
]
