"""The shell's own demo account (the unit-switcher demo) follows the demo password flag like the others."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from township.org.models import User
from township.web import demo as web_demo


@pytest.mark.parametrize("flags,must_change", [((), True), (("--keep-demo-passwords",), False)])
def test_web_demo_account_follows_the_flag(db, flags, must_change):
    call_command("seed_demo", "--only-org", *flags, stdout=io.StringIO())
    from township.org import demo

    demo.keep_demo_passwords(bool(flags))
    try:
        web_demo.seed(io.StringIO())
    finally:
        demo.keep_demo_passwords(False)
    assert User.objects.get(username=web_demo.USERNAME).must_change_password is must_change
