"""Demo subjects in 白沙镇 (500116108): Ms Luo and a few residents; enterprises with credit classes A-D.

The identifiers are made up but valid (check characters computed): they belong to no real person.
"""

from __future__ import annotations

from typing import Any

from township.org.models import Jurisdiction, User
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
