"""Demo subjects in 白沙镇 (500116108): Ms Luo and a few residents; enterprises with credit classes A-D; a walk-in
registered at the window, a resident registered by the village agent, and a duplicate merged by a recorded
correction (the same resident registered twice, once under a mistyped but valid ID).

The identifiers are made up but valid (check characters computed): they belong to no real person.
"""

from __future__ import annotations

from typing import Any

from township.org.models import Jurisdiction, Role, RoleGrant, User
from township.subjects.services import subject_get_or_create_org, subject_get_or_create_person

BAISHA = "500116108"
DEMO_VILLAGE = "500116108201"

# 500116 = 江津区; birth date; sequence (odd male, even female); GB 11643 check character.
LUO_RESIDENT_ID = "500116198803150266"  # 罗晓梅, female, born 1988-03-15
PERSONS = [
    (LUO_RESIDENT_ID, "罗晓梅", "13983000001", "白沙镇黑石山村3组"),
    ("500116197607120313", "陈国强", "13983000002", "白沙镇滨江路12号"),
    ("500116199211250428", "周丽", "13983000003", "白沙镇朝阳街5号"),
]
# (USCC, name, legal representative, credit class, address)
ORGANISATIONS = [
    ("91500116MA60LWJ12B", "重庆白沙老街食品有限公司", "陈国强", "A", "白沙镇老街45号"),
    ("93500116MA61234N57", "江津区白沙镇绿源柑橘种植专业合作社", "周丽", "B", "白沙镇黑石山村"),
    ("N2500116MA6ABCDE19", "白沙镇黑石山村股份经济合作联合社", "何村长", "B", "白沙镇黑石山村村委会"),
    ("92500116MA5U7G8H24", "江津区白沙镇顺发五金店", "李顺发", "C", "白沙镇新街8号"),
    ("91500116MA5YQ7N61J", "重庆白沙某建材有限公司", "王某", "D", "白沙镇工业园区"),
]


def seed(stdout: Any) -> None:
    town = Jurisdiction.objects.filter(code=BAISHA).first()
    village = Jurisdiction.objects.filter(code=DEMO_VILLAGE).first()
    if town is None:
        stdout.write("subjects: 白沙镇 missing, skipped")
        return
    people = {}
    for resident_id, name, phone, address in PERSONS:
        people[name] = subject_get_or_create_person(
            resident_id=resident_id,
            name=name,
            phone=phone,
            address=address,
            registered_in=town,
            village=village if "黑石山村" in address else None,
        )
    for uscc, name, legal, credit_class, address in ORGANISATIONS:
        subject_get_or_create_org(
            uscc=uscc,
            name=name,
            legal_representative=legal,
            legal_representative_subject=people.get(legal),
            address=address,
            registered_in=town,
            village=village if "黑石山村" in address else None,
            credit_class=credit_class,
        )
    # The demo applicant account is Ms Luo: give it her resident ID so "my library" finds her.
    for account in User.objects.filter(username="applicant", resident_id=""):
        account.resident_id = LUO_RESIDENT_ID  # encrypted, with its blind index, by save()
        account.save(update_fields=["resident_id"])
    stdout.write(f"subjects: {len(PERSONS)} persons, {len(ORGANISATIONS)} organisations in 白沙镇")


def finish(stdout: Any) -> None:
    """After every app's seed (the accounts exist): registrations through the service, and one merge."""
    town = Jurisdiction.objects.filter(code=BAISHA).first()
    if town is None:
        return
    _seed_registrations(stdout, town, Jurisdiction.objects.filter(code=DEMO_VILLAGE).first())


# Registered through the registration service, as the window clerk and the village agent would.
WALK_IN = ("500116198505050021", "王小红", "13983000011")  # registered at the window
AGENT_RESIDENT = ("500116195003030019", "何大爷", "13983000012")  # registered by the village agent
# The same man registered twice: the second record was typed with a wrong (but valid) number, then merged.
DUPLICATE_RIGHT = ("500116197211110039", "刘建军")
DUPLICATE_WRONG = ("500116197211110012", "刘建军")
MERGER = "subjects_credit"  # a credit officer of 白沙镇 for the merge when the org demo has none


def _account(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _merger(town: Jurisdiction) -> User:
    """The credit officer who merges duplicates: the org demo's ``credit`` if it exists, else ours."""
    from township.org.demo import create_demo_user

    user = _account("credit")
    if user is not None and RoleGrant.objects.filter(user=user, role=Role.CREDIT_OFFICER).exists():
        return user
    user = _account(MERGER) or create_demo_user(MERGER, "Bs-subjects-2026", full_name="主体库信用管理员")
    RoleGrant.objects.get_or_create(user=user, jurisdiction=town, role=Role.CREDIT_OFFICER, department=None)
    return user


def _seed_registrations(stdout: Any, town: Jurisdiction, village: Jurisdiction | None) -> None:
    from township.subjects.models import SubjectCorrection
    from township.subjects.selectors import subject_by_resident_id, subject_find
    from township.subjects.services import subject_merge, subject_register

    clerk, agent = _account("clerk"), _account("agent")
    if clerk is None:
        stdout.write("subjects: demo account clerk missing, registrations skipped")
        return
    if subject_find(WALK_IN[0]) is None:
        subject_register(
            actor=clerk, identifier=WALK_IN[0], name=WALK_IN[1], phone=WALK_IN[2], address="白沙镇朝阳街18号", town=town
        )
    if agent is not None and village is not None and subject_find(AGENT_RESIDENT[0]) is None:
        subject_register(
            actor=agent,
            identifier=AGENT_RESIDENT[0],
            name=AGENT_RESIDENT[1],
            phone=AGENT_RESIDENT[2],
            address="黑石山村5组",
            village=village,
        )
    right = (
        subject_find(DUPLICATE_RIGHT[0])
        or subject_register(actor=clerk, identifier=DUPLICATE_RIGHT[0], name=DUPLICATE_RIGHT[1], town=town).subject
    )
    wrong = subject_by_resident_id(DUPLICATE_WRONG[0])  # the record itself, not the survivor it points to
    if wrong is None:
        wrong = subject_register(
            actor=clerk, identifier=DUPLICATE_WRONG[0], name=DUPLICATE_WRONG[1], address="白沙镇滨江路3号", town=town
        ).subject
    if not SubjectCorrection.objects.filter(merged=wrong).exists():
        subject_merge(
            survivor=right, merged=wrong, reason="窗口登记时身份证号录入错误，经核对户籍信息更正", actor=_merger(town)
        )
    stdout.write("subjects: walk-in, village-agent registration and one merged duplicate in 白沙镇")
