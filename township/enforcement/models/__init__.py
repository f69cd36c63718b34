"""Enforcement (一支队伍管执法): teams, officers, penalty items, clues, penalty cases, disclosure (``core``) and
random inspections (``inspection``). Every business row carries the tenant key (``jurisdiction``).
"""

from township.enforcement.models.core import (  # noqa: F401
    MONEY,
    CaseDocument,
    Clue,
    Credential,
    Disclosure,
    DiscretionBand,
    Domain,
    EnforcementConfig,
    Evidence,
    HearingThreshold,
    InvestigativeAct,
    LegalReviewer,
    Officer,
    PartyKind,
    PenaltyCase,
    PenaltyItem,
    PenaltyType,
    Preservation,
    ServiceRecord,
    Team,
    TeamZone,
)
from township.enforcement.models.inspection import (  # noqa: F401
    ConflictOfInterest,
    CreditClass,
    InspectionItem,
    InspectionPlan,
    InspectionTarget,
    InspectionVisit,
)
