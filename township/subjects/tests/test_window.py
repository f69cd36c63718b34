"""The walk-in at the window desk: an unknown but valid ID is registered in place and the application goes on."""

from __future__ import annotations

import importlib
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.urls import reverse

from township.subjects.models import RegistrationChannel, Subject, SubjectPresence

pytestmark = pytest.mark.django_db

# The approval personas and catalog (three published items in 白沙镇), reused as they are. Loaded by name: the
# window is approval's page, driven here from the outside over HTTP; subjects' code never imports approval
# (the one-direction contract in .importlinter).
_approval = importlib.import_module("township.approval.tests.conftest")
bureau, catalog, head_a, now = _approval.bureau, _approval.catalog, _approval.head_a, _approval.now

WALK_IN = "500116198505050021"


def test_clerk_registers_a_walk_in_at_the_window_and_files_for_it(now, client, clerk_a, town_a, catalog):
    Application = apps.get_model("approval", "Application")
    client.force_login(clerk_a)
    window = reverse("approval:window")
    page = client.get(window, {"id": WALK_IN}).content.decode()
    assert 'id="window-register"' in page and "请申请人先注册" not in page
    assert f'value="{WALK_IN}"' in page  # the identifier is carried into the form (or typed by the card reader)
    resp = client.post(
        reverse("subjects:register"),
        {"identifier": WALK_IN, "name": "王小红", "phone": "13900002222", "next": "window"},
    )
    assert resp.status_code == 302 and resp.url == window + "?" + urlencode({"id": WALK_IN})
    subject = Subject.objects.get(name="王小红")
    assert subject.registration_channel == RegistrationChannel.WINDOW
    assert SubjectPresence.objects.filter(subject=subject, jurisdiction=town_a).exists()
    page = client.get(resp.url).content.decode()
    assert 'id="file-form"' in page and "王小红" in page  # the window's own lookup finds the new subject
    resp = client.post(window, {"id": WALK_IN, "items": [catalog["food"].pk]})
    app = Application.objects.get(applicant=subject)
    assert resp.status_code == 302 and resp.url == reverse("approval:detail", args=[app.pk])


def test_window_shows_the_check_digit_error_not_the_register_form(client, clerk_a):
    client.force_login(clerk_a)
    page = client.get(reverse("approval:window"), {"id": WALK_IN[:17] + "9"}).content.decode()
    assert 'id="ident-error"' in page and 'id="window-register"' not in page


def test_village_agent_registers_at_the_window_for_the_village(client, make_user, village_a, town_a):
    from township.org.models import Role

    agent = make_user((village_a, Role.VILLAGE_AGENT))
    client.force_login(agent)
    page = client.get(reverse("approval:window"), {"id": WALK_IN}).content.decode()
    assert 'id="window-register"' in page
    resp = client.post(
        reverse("subjects:register"),
        {"identifier": WALK_IN, "name": "王小红", "village": village_a.code, "next": "window"},
    )
    assert resp.status_code == 302
    subject = Subject.objects.get()
    assert subject.registration_channel == RegistrationChannel.VILLAGE_AGENT
    assert SubjectPresence.objects.filter(subject=subject, jurisdiction=town_a, village=village_a).exists()
