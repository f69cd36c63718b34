"""Presence of every existing subject, derived from the rows that already link it to a town.

Sources: the subject's own registration (registered_in), applications (applicant), clues, penalty cases and
inspection targets (party), credit records, certificates (holder) and library items. One row per
(town, subject, village). Forward only: the rows are data, dropping them is the schema's reverse.
"""

from django.db import migrations


def _town_and_village(jurisdictions, code):
    row = jurisdictions.get(code)
    if row is None:
        return None, None
    level, parent = row
    if level == "village" and parent:
        return parent, code
    return code, None


def derive(apps, schema_editor):
    Presence = apps.get_model("subjects", "SubjectPresence")
    Subject = apps.get_model("subjects", "Subject")
    Jurisdiction = apps.get_model("org", "Jurisdiction")
    jurisdictions = {
        code: (level, parent) for code, level, parent in Jurisdiction.objects.values_list("code", "level", "parent_id")
    }
    seen = set(Presence.objects.values_list("jurisdiction_id", "subject_id", "village_id"))
    new = []

    def add(subject_id, town, village, source):
        if not subject_id or not town:
            return
        key = (town, subject_id, village)
        if key not in seen:
            seen.add(key)
            new.append(Presence(jurisdiction_id=town, subject_id=subject_id, village_id=village, source=source))

    for pk, registered_in, village in Subject.objects.values_list("pk", "registered_in_id", "village_id"):
        if registered_in:
            town, reg_village = _town_and_village(jurisdictions, registered_in)
            add(pk, town, village or reg_village, "registered")
    sources = [
        ("approval", "Application", "applicant_id", True, "application"),
        ("enforcement", "Clue", "subject_id", True, "enforcement"),
        ("enforcement", "PenaltyCase", "subject_id", True, "enforcement"),
        ("enforcement", "InspectionTarget", "subject_id", True, "enforcement"),
        ("credit", "CreditRecord", "subject_id", False, "credit"),
        ("certificates", "Certificate", "holder_id", False, "certificate"),
        ("certificates", "LibraryItem", "subject_id", False, "certificate"),
    ]
    for app_label, model_name, column, has_village, source in sources:
        model = apps.get_model(app_label, model_name)
        fields = ["jurisdiction_id", column] + (["village_id"] if has_village else [])
        for row in model.objects.exclude(**{column: None}).values_list(*fields).distinct():
            add(row[1], row[0], row[2] if has_village else None, source)
    for town in sorted({p.jurisdiction_id for p in new}):  # bulk_create split per jurisdiction (Citus)
        Presence.objects.bulk_create([p for p in new if p.jurisdiction_id == town], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("subjects", "0002_personal_data_encrypted_and_scoped"),
        ("approval", "0005_provisional_dates"),
        ("enforcement", "0004_on_spot_receipt_and_service_documents"),
        ("credit", "0001_initial"),
        ("certificates", "0002_sealed_documents"),
    ]

    operations = [migrations.RunPython(derive, migrations.RunPython.noop)]
