"""Grid services: the rules of 网格化管理 around the one case engine, by aggregate.

- ``grids``: grids and their staff, grid codes, GeoJSON import/export, the generator, event classes;
- ``events``: the event loop — report, duplicates, the steps from 核实 to 评价, dispatch (by object or by id);
- ``escalation``: overdue escalation and the end of postponements (timed work), 督办, the handover to enforcement;
- ``patrols``: patrols with their GPS tracks, Open311 API keys;
- ``_common``: what they share (role sets, public sources, settings).

Every public function is ``<entity>_<verb>(*, …, actor)``; rules live here, views, the case type's actions and
the API only call these. Events move only through the case engine, fired with the case type's authority
(``case_type_for(CASE_TYPE).fire(...)``; guards in ``rules.py``). Everything callers use is re-exported here:
import ``township.grid.services``, not its modules.
"""

from township.grid.services._common import GRID_ADMIN_ROLES, HANDOVER_ROLES, PUBLIC_SOURCES, REPORTER_ROLES
from township.grid.services.escalation import (
    escalation_supervise,
    grid_escalate_overdue,
    grid_event_to_clue,
    grid_postponements_end,
)
from township.grid.services.events import (
    Duplicate,
    _event_class,
    department_suggest,
    event_accept,
    event_cancel,
    event_check,
    event_close,
    event_dispatch,
    event_dispatch_by_ids,
    event_duplicates_find,
    event_evaluate,
    event_feedback,
    event_link_duplicate,
    event_postpone_approve,
    event_postpone_end,
    event_postpone_reject,
    event_postpone_request,
    event_register,
    event_reject,
    event_report,
    event_return,
    event_verify,
)
from township.grid.services.features import (
    FeatureImportError,
    FeaturePreview,
    feature_import,
    feature_parse,
    feature_preview,
    feature_town,
    feature_towns,
)
from township.grid.services.grids import (
    AREA_TOLERANCE,
    CLASS_COLUMNS,
    GridImportError,
    GridSpec,
    event_class_import_csv,
    event_class_rows,
    event_class_seed_defaults,
    grid_bulk_save,
    grid_code_validate,
    grid_create,
    grid_deactivate,
    grid_export_geojson,
    grid_generate,
    grid_import_geojson,
    grid_specs_from_geojson,
    grid_staff_assign,
)
from township.grid.services.patrols import (
    open311_key_check,
    open311_key_create,
    patrol_end,
    patrol_start,
    patrol_track_add,
)

__all__ = [
    "FeatureImportError",
    "FeaturePreview",
    "feature_import",
    "feature_parse",
    "feature_preview",
    "feature_town",
    "feature_towns",
    "AREA_TOLERANCE",
    "CLASS_COLUMNS",
    "GRID_ADMIN_ROLES",
    "HANDOVER_ROLES",
    "PUBLIC_SOURCES",
    "REPORTER_ROLES",
    "Duplicate",
    "GridImportError",
    "GridSpec",
    "_event_class",
    "department_suggest",
    "escalation_supervise",
    "event_accept",
    "event_cancel",
    "event_check",
    "event_class_import_csv",
    "event_class_rows",
    "event_class_seed_defaults",
    "event_close",
    "event_dispatch",
    "event_dispatch_by_ids",
    "event_duplicates_find",
    "event_evaluate",
    "event_feedback",
    "event_link_duplicate",
    "event_postpone_approve",
    "event_postpone_end",
    "event_postpone_reject",
    "event_postpone_request",
    "event_register",
    "event_reject",
    "event_report",
    "event_return",
    "event_verify",
    "grid_bulk_save",
    "grid_code_validate",
    "grid_create",
    "grid_deactivate",
    "grid_escalate_overdue",
    "grid_event_to_clue",
    "grid_export_geojson",
    "grid_generate",
    "grid_import_geojson",
    "grid_postponements_end",
    "grid_specs_from_geojson",
    "grid_staff_assign",
    "open311_key_check",
    "open311_key_create",
    "patrol_end",
    "patrol_start",
    "patrol_track_add",
]
