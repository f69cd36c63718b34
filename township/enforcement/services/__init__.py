"""Enforcement services: the only place that writes enforcement rows and moves penalty cases.

Services are keyword-only ``<entity>_<verb>(*, ..., actor)``; they check the actor's role in the owning
jurisdiction, record the domain facts and fire the engine's transition in one transaction, so a refused
guard leaves nothing behind. Error codes are listed in each docstring.
"""

from township.enforcement.services.base import (  # noqa: F401
    CASE_ROLES,
    HEAD_ROLES,
    MANAGER_ROLES,
    NOTE_LABELS,
    OFFICER_ROLES,
    _code,
    _local_date,
    _town,
    _village,
    config_for,
    require_role,
    timeline_note,
)
from township.enforcement.services.clues import (  # noqa: F401
    _pending_clue,
    clue_create,
    clue_create_from_grid_event,
    clue_create_from_verification,
    clue_extend,
    clue_reject,
    clue_warning,
)
from township.enforcement.services.execution import (  # noqa: F401
    penalty_apply_enforcement,
    penalty_archive,
    penalty_close,
    penalty_demand,
    penalty_drop,
    penalty_instalment_approve,
    penalty_investigate,
    penalty_late_fine,
    penalty_mark_overdue,
    penalty_pay,
    penalty_payment_due_refresh,
    penalty_serve,
)
from township.enforcement.services.items import (  # noqa: F401
    _money,
    band_for,
    discretion_band_set,
    hearing_threshold_set,
    penalty_item_create,
    penalty_items_import_from_catalog,
)
from township.enforcement.services.penalty import (  # noqa: F401
    INVESTIGATION_STATES,
    _after_decision,
    _credit_entry,
    _decision_document,
    _pc_locked,
    _penalty_dict,
    _revoke_certificates,
    _subject_for,
    _validate_party_id,
    clue_file,
    penalty_act_record,
    penalty_case_file,
    penalty_decide,
    penalty_discussion_record,
    penalty_extend,
    penalty_hearing_hold,
    penalty_hearing_request,
    penalty_hearing_schedule,
    penalty_notice,
    penalty_review,
    penalty_review_grounds_set,
    penalty_statement_record,
    preservation_decide,
    preservation_start,
)
from township.enforcement.services.summary import (  # noqa: F401
    disclosure_for,
    summary_case_create,
    summary_cash_hand_over,
    summary_collect_on_spot,
    summary_pay,
    summary_record,
)
from township.enforcement.services.teams import (  # noqa: F401
    _check_domains,
    check_officers_for,
    credential_add,
    credential_views,
    legal_reviewer_create,
    officer_create,
    team_create,
    team_for_village,
)
