"""The Citus profile as data: where every table goes when Township runs on a Citus cluster (SPEC §4, issue 19).

Every table of every model (auto-created many-to-many tables included) is in exactly one list:

- ``BUSINESS``: hash-distributed by ``KEY`` and co-located with ``ANCHOR`` (all rows of one town on one shard);
- ``REFERENCE``: small shared tables copied to every node;
- ``LOCAL``: coordinator-local tables, never joined with business tables.

``tests/test_citus_profile.py`` fails when a model's table is in no list, or when a business table has a unique
constraint that the profile cannot make include the key. ``manage.py citus_profile`` applies the profile
(``township.core.citus_plan``) and writes the generated part of ``docs/scaling.md`` from these lists.
"""

from __future__ import annotations

from typing import Any

KEY = "jurisdiction_id"
ANCHOR = "cases_case"

# Hash-distributed by jurisdiction_id, co-located with cases_case, in the order they are distributed.
BUSINESS: tuple[str, ...] = (
    # case engine
    "cases_case",
    "cases_caseevent",
    "cases_clockpause",
    "cases_assignment",
    "cases_attachment",
    "cases_casecounter",
    "cases_casedaycount",
    "cases_caselink",
    "cases_caseseal",
    # approval
    "approval_application",
    "approval_applicationmaterial",
    "approval_notification",
    "approval_queueticket",
    "approval_rating",
    "approval_rectificationtask",
    "approval_supplementnotice",
    "approval_verificationtask",
    # certificates
    "certificates_sealkey",
    "certificates_certificate",
    "certificates_certificatestatuschange",
    "certificates_libraryitem",
    "certificates_sealeddocument",
    # enforcement
    "enforcement_clue",
    "enforcement_penaltycase",
    "enforcement_investigativeact",
    "enforcement_evidence",
    "enforcement_preservation",
    "enforcement_servicerecord",
    "enforcement_casedocument",
    "enforcement_disclosure",
    "enforcement_remedy",
    "enforcement_inspectiontarget",
    "enforcement_inspectionplan",
    "enforcement_inspectionvisit",
    "enforcement_conflictofinterest",
    "enforcement_team",
    "enforcement_teamzone",
    "enforcement_officer",
    "enforcement_credential",
    "enforcement_legalreviewer",
    "enforcement_penaltyitem",
    "enforcement_discretionband",
    "enforcement_hearingthreshold",
    "enforcement_enforcementconfig",
    "enforcement_inspectionitem",
    # grid
    "grid_gridstaff",
    "grid_event",
    "grid_eventphoto",
    "grid_eventdaycount",
    "grid_eventpoint",
    "grid_mapversion",
    "grid_escalation",
    "grid_handover",
    "grid_patrol",
    "grid_trackpoint",
    "grid_mapfeature",
    # cameras
    "cameras_camera",
    "cameras_snapshot",
    # command centre
    "command_evaluationperiod",
    "command_evaluationscore",
    "command_filereviewplan",
    "command_filereviewitem",
    "command_lastposition",
    "command_notice",
    "command_position",
    "command_responsibility",
    "command_supervision",
    # credit
    "credit_creditgradescheme",
    "credit_creditgradeoverride",
    "credit_creditgradehistory",
    "credit_listing",
    "credit_repair",
    # downloads, field app
    "downloads_exportjob",
    "field_submission",
    # hotline
    "hotline_importjob",
    "hotline_order",
    "hotline_callback",
    "hotline_dutyitem",
    "hotline_periodsetting",
    # mediation
    "mediation_committee",
    "mediation_committeemember",
    "mediation_mediation",
    "mediation_party",
    "mediation_session",
    "mediation_recusal",
    "mediation_agreement",
    "mediation_confirmation",
    "mediation_signature",
    # opinions, petitions
    "opinions_opinion",
    "opinions_notice",
    "petitions_petition",
    "petitions_petitioner",
    "petitions_petitiondocument",
    "petitions_petitionnotice",
    "petitions_recusal",
    "petitions_accesslog",
    # party building
    "party_memberlink",
    "party_rating",
    "party_reveallog",
    # subjects (presence per town; the subject itself is shared)
    "subjects_subjectpresence",
    "subjects_subjectcorrection",
    "subjects_reveallog",
    # system notices
    "system_notice",
)

# The authorisation version's trigger (migration org/0006) and the tables carrying it. The profile drops it
# before creating the reference tables; on a cluster the grants are read on every request (org.scoping).
AUTHZ_TRIGGER = "org_authz_bump"
AUTHZ_TRIGGER_TABLES: tuple[str, ...] = (
    "org_department",
    "org_jurisdiction",
    "org_rolegrant",
    "org_rolegrant_custom_departments",
    "org_rolegrant_custom_units",
)

# Copied to every node. None of them has a foreign key to a business table in the profile.
REFERENCE: tuple[str, ...] = (
    "org_jurisdiction",
    "org_user",
    "org_department",
    "org_rolegrant",
    "org_rolegrant_custom_departments",
    "org_rolegrant_custom_units",
    "org_authzversion",
    "org_apitoken",
    "org_user_groups",
    "org_user_user_permissions",
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
    "django_admin_log",
    "django_session",
    "core_holiday",
    "core_calendaryear",
    "subjects_subject",
    "catalog_materialtype",
    # the catalog of powers and services: the county's standard list (a few thousand rows, changed by the county's
    # editors, read by every town's window and case); a town's application joins its item on any shard
    "catalog_item",
    "catalog_itemversion",
    "catalog_material",
    "catalog_delegation",
    "catalog_theme",
    "catalog_themeitem",
    "catalog_importjob",
    "grid_eventclass",
    # the grids (a county's few thousand polygons, drawn by the county and its towns; a level-1 grid of the county
    # is the parent of a town's level-2 grids) and the party organisations on them (a town's committee under the
    # county's): structure that every town's events, orders, cameras and members point at
    "grid_grid",
    "party_partyorg",
    # the county's credit register (信用记录): read by every town's window and case across the county (联合奖惩),
    # written once per decision; a town's listing or repair case points at it
    "credit_creditrecord",
    "grid_gridindexversion",
    "grid_open311key",
    "web_loginlog",
    "web_loginthrottle",
    "web_passwordhistory",
    "system_post",
    "system_userprofile",
    "system_userprofile_posts",
    "system_dicttype",
    "system_dictitem",
    "system_parameter",
    # many-to-many tables of business rows that carry no key of their own: read joined with their (distributed)
    # parent, which Citus allows for a reference table; their foreign key to the parent is dropped in the profile
    "command_filereviewitem_reviewers",
    "command_supervision_responsible",
)

# Coordinator-local: never joined with business tables. Their foreign keys to reference tables are dropped.
LOCAL: tuple[str, ...] = (
    "cases_jobrun",  # timed-work slots (a unique (name, slot) claim per run)
    "cases_checkpoint",  # the chain of checkpoints over all case seals
    "audit_operationlog",  # append-only operation log, read by the system pages on its own
)

# Foreign keys whose two rows may belong to different jurisdictions: no database constraint in the profile,
# the services check them. (table, column) -> why.
CROSS_JURISDICTION_FKS: dict[tuple[str, str], str] = {
    ("approval_application", "certificate_id"): "the certificate may be kept by the county",
    ("approval_applicationmaterial", "library_item_id"): "材料库 items reused across towns",
    ("cases_case", "parent_id"): "a transferred case's parent lies in the other town",
    ("cases_caselink", "target_id"): "links cross towns (transfer, merge)",
    ("credit_creditrecord", "source_case_id"): "the county keeps the record of a town's case",
    ("certificates_certificate", "source_case_id"): "the county keeps the certificate of a town's case",
    ("certificates_certificate", "seal_key_id"): "the issuing unit's key",
    ("certificates_certificatestatuschange", "source_case_id"): "the county keeps the record of a town's case",
    ("certificates_libraryitem", "source_case_id"): "the county keeps the record of a town's case",
    ("certificates_libraryitem", "certificate_id"): "a certificate issued by another unit",
    ("certificates_sealeddocument", "source_case_id"): "the county seals documents of a town's case",
    ("mediation_agreement", "sealed_document_id"): "sealed by the unit that holds the key",
    ("petitions_petitiondocument", "sealed_id"): "sealed by the unit that holds the key",
    ("enforcement_clue", "source_case_id"): "a clue from a case of another unit (grid event, hotline order)",
    ("grid_escalation", "case_id"): "the escalated case may be opened at the county",
    ("command_filereviewitem", "case_id"): "the county reviews the files of its towns' cases",
    ("command_supervision", "case_id"): "the county supervises a town's case",
}

# Unique constraints of business tables whose columns are all plain values (no foreign key to a co-located
# business row, which would make (key, column) equivalent): the profile re-creates them with the key in front,
# which makes them unique per town only. Each entry is a TODO with an issue-style reason; the list only shrinks
# (tests/test_citus_profile.py fails on a new one and on an entry that is no longer needed).
PER_TOWN_ONLY_UNIQUES: dict[tuple[str, str], str] = {
    ("opinions_opinion", "track_code"): "TODO(issue 19): embed the town in the public 查询码 (as grid_event.ticket)",
    ("petitions_petition", "follow_code"): "TODO(issue 19): embed the town in the public 查询码 (as grid_event.ticket)",
}


def placement(table: str) -> str | None:
    if table in BUSINESS:
        return "business"
    if table in REFERENCE:
        return "reference"
    if table in LOCAL:
        return "local"
    return None


def model_tables() -> dict[str, Any]:
    """Every table Django manages (models and auto-created many-to-many tables), by name."""
    from django.apps import apps

    out: dict[str, object] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped:
            out[meta.db_table] = model
    return out


def _names(tables: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"`{t}`" for t in tables)


DOC_BEGIN = "<!-- citus-profile:begin (generated by `manage.py citus_profile --doc --write`; do not edit) -->"
DOC_END = "<!-- citus-profile:end -->"


def doc_block() -> str:
    """The generated part of docs/scaling.md: the table lists, the cross-town links and the open TODOs."""
    by_app: dict[str, list[str]] = {}
    for table in BUSINESS:
        by_app.setdefault(table.split("_", 1)[0], []).append(table)
    lines = [
        DOC_BEGIN,
        "",
        f"### Distributed tables ({len(BUSINESS)}, key `{KEY}`, co-located with `{ANCHOR}`)",
        "",
    ]
    for app, tables in by_app.items():
        lines.append(f"- {app}: {_names(tables)}")
    lines += [
        "",
        f"### Reference tables ({len(REFERENCE)}, copied to every node)",
        "",
        _names(REFERENCE) + ".",
        "",
        f"### Coordinator-local tables ({len(LOCAL)}, never joined with business tables)",
        "",
        _names(LOCAL) + ".",
        "",
        f"### Links between towns: plain ids, no database constraint ({len(CROSS_JURISDICTION_FKS)})",
        "",
        "| table.column | why |",
        "| --- | --- |",
    ]
    for (table, column), why in CROSS_JURISDICTION_FKS.items():
        lines.append(f"| `{table}.{column}` | {why} |")
    lines += ["", "### Unique only per town on the cluster (open)", ""]
    if PER_TOWN_ONLY_UNIQUES:
        for (table, column), why in PER_TOWN_ONLY_UNIQUES.items():
            lines.append(f"- `{table}.{column}`: {why}")
    else:
        lines.append("None.")
    lines += ["", DOC_END]
    return "\n".join(lines)


# Public codes looked up without a login (the 查询码 on a grid event's receipt, the 核验码 on a sealed letter) carry
# the owning town's key, so a lookup is routed to one shard and uniqueness per town is uniqueness everywhere.
PUBLIC_CODE_SEP = "-"


def public_code(jurisdiction_id: str, secret: str, prefix: str = "") -> str:
    """``{prefix}{jurisdiction code}-{secret}``, e.g. ``500116108000-K7Q9X2M4``."""
    return f"{prefix}{jurisdiction_id}{PUBLIC_CODE_SEP}{secret}"


def public_code_jurisdiction(code: str, prefix: str = "") -> str | None:
    """The key embedded in a public code; ``None`` for codes made before the key was embedded (looked up on every
    shard, which Citus allows: a read, not a join)."""
    body = code[len(prefix) :] if prefix and code.startswith(prefix) else code
    tag, sep, secret = body.rpartition(PUBLIC_CODE_SEP)
    return tag if sep and tag and secret else None


_ON_CITUS: dict[str, bool] = {}


def _remember_citus(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On each new PostgreSQL connection: is the citus extension installed? (Once per database and process, when the
    connection opens, so that no query budget of a request or service counts it.)"""
    key = f"{connection.alias}:{connection.settings_dict.get('NAME')}"
    if connection.vendor == "postgresql" and key not in _ON_CITUS:
        with connection.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
            _ON_CITUS[key] = cur.fetchone() is not None


def on_citus(connection: Any) -> bool:
    """Whether ``connection`` is a Citus coordinator."""
    if connection.vendor != "postgresql":
        return False
    key = f"{connection.alias}:{connection.settings_dict.get('NAME')}"
    if key not in _ON_CITUS:
        connection.ensure_connection()
        if key not in _ON_CITUS:
            _remember_citus(None, connection)
    return _ON_CITUS[key]


def _connect_signal() -> None:
    from django.db.backends.signals import connection_created

    connection_created.connect(_remember_citus, dispatch_uid="township.core.citus")


_connect_signal()
