"""The admin's user and grid-staff forms never put a phone or resident ID into the page; blank keeps, new replaces."""

from __future__ import annotations

import pytest

from township.grid.models import GridStaff
from township.org.models import User

pytestmark = pytest.mark.django_db
PHONE, RID = "13983000007", "500116198803150266"


def _post_data(page_form, **changes):
    data = {}
    for name, field in page_form.fields.items():
        value = page_form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_user_change_page_shows_masked_placeholders_and_keeps_blank_values(admin_client):
    user = User.objects.create_user(username="liu", password="Xx-123456789", phone=PHONE, resident_id=RID)
    url = f"/admin/org/user/{user.pk}/change/"
    page = admin_client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert PHONE not in body and RID not in body
    assert "139****0007" in body and "500116********0266" in body  # as placeholders
    data = _post_data(page.context["adminform"].form, phone="", resident_id="", full_name="刘改名")
    data.update({"grants-TOTAL_FORMS": "0", "grants-INITIAL_FORMS": "0"})
    done = admin_client.post(url, data)
    assert done.status_code == 302, done.context["adminform"].form.errors if done.context else done
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.resident_id) == ("刘改名", PHONE, RID)
    admin_client.post(url, {**data, "phone": "13983000008"})
    user.refresh_from_db()
    assert user.phone == "13983000008" and user.resident_id == RID


def test_grid_staff_form_never_shows_the_phone():
    from township.grid.admin import GridStaffForm

    staff = GridStaff(phone=PHONE)
    staff.pk = 1  # an existing row, as the change page has it
    form = GridStaffForm(instance=staff)
    html = form["phone"].as_widget()
    assert PHONE not in html and "139****0007" in html
