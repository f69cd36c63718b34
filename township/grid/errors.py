"""The error codes of grid management (issue 10): one ``StrEnum``, so a code is written once and found by name.

A member equals its code string: ``exc.code == "reason_required"`` holds and the API renders ``{"code", "message",
"field"}`` unchanged. The Chinese messages stay beside the rule that raises them (they name the facts of the case).
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    ADMIN_REQUIRED = "admin_required"
    ALREADY_SUPERVISED = "already_supervised"
    DEPARTMENT_OUT_OF_SCOPE = "department_out_of_scope"
    DESCRIPTION_REQUIRED = "description_required"
    DIMENSION_UNKNOWN = "dimension_unknown"
    ASSISTING_INVALID = "assisting_invalid"
    DISPATCH_TARGET_REQUIRED = "dispatch_target_required"
    DUPLICATE_INVALID = "duplicate_invalid"
    EVENT_CLASS_NOT_PUBLIC = "event_class_not_public"
    EVENT_CLASS_SEED = "event_class_seed"
    EVENT_CLASS_UNKNOWN = "event_class_unknown"
    FEEDBACK_PHOTO_REQUIRED = "feedback_photo_required"
    GEOJSON_EMPTY = "geojson_empty"
    GEOJSON_INVALID = "geojson_invalid"
    GRID_ADMIN_REQUIRED = "grid_admin_required"
    GRID_CODE_FORMAT = "grid_code_format"
    GRID_CODE_PREFIX = "grid_code_prefix"
    GRID_CODE_REQUIRED = "grid_code_required"
    GRID_DIVISION_LEVEL = "grid_division_level"
    GRID_GENERATE_ROOT = "grid_generate_root"
    GRID_INVALID = "grid_invalid"
    GRID_JURISDICTION = "grid_jurisdiction"
    GRID_OUT_OF_SCOPE = "grid_out_of_scope"
    GRID_ROLE_INVALID = "grid_role_invalid"
    GRID_SCHEME_UNKNOWN = "grid_scheme_unknown"
    HANDLER_INVALID = "handler_invalid"
    HANDOVER_EXISTS = "handover_exists"
    INSTRUCTION_REQUIRED = "instruction_required"
    LOCATION_INVALID = "location_invalid"
    LOCATION_OUTSIDE_GRIDS = "location_outside_grids"
    NOT_ADDRESSEE = "not_addressee"
    NOT_IN_CHARGE = "not_in_charge"
    PATROL_ENDED = "patrol_ended"
    POSTPONE_DAYS = "postpone_days"
    RATING_INVALID = "rating_invalid"
    REASON_REQUIRED = "reason_required"
    REPORT_OUT_OF_SCOPE = "report_out_of_scope"
    ROLE_REQUIRED = "role_required"
    TRACK_INVALID = "track_invalid"
    VERIFICATION_REQUIRED = "verification_required"
