"""Done-when of issue 11 item 4: after ``seed_demo`` no resident ID or phone number is in the SQLite file in clear.

The demo is loaded exactly as a user does (``manage.py migrate`` then ``manage.py seed_demo``) into a fresh
database file in a temporary directory; then the bytes of that file and of its -wal / -journal companions,
free pages included, are searched for every personal value the demo holds: the values the demo modules
define, every ``sm4:1:`` value of the file decrypted, and any 18-digit string that is a valid resident ID.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from township.core import crypto
from township.core.identifiers import is_valid_resident_id, is_valid_uscc

ROOT = Path(__file__).resolve().parents[1]
CIPHER = re.compile(rb"sm4:1:[A-Za-z0-9+/=]+")
RESIDENT_ID = re.compile(rb"(?<![0-9])[0-9]{17}[0-9X](?![0-9A-Z])")


def _decrypt_run(match: bytes) -> str | None:
    """A ``sm4:1:…`` run in the raw file may run on into the next column's bytes (another cipher, a word such as
    ``pending``): the value is the longest prefix that is whole base64 and decrypts. None for a fragment cut by a
    page boundary (the row-by-row read below sees every live value whole)."""
    body = match[len(b"sm4:1:") :].decode()
    for end in range(len(body) - len(body) % 4, 0, -4):
        try:
            return crypto.decrypt("sm4:1:" + body[:end])
        except crypto.DecryptionError:
            continue
    return None


def _demo_constants() -> set[str]:
    from township.approval.demo import VILLAGER
    from township.subjects.demo import PERSONS

    return {p[0] for p in PERSONS} | {p[2] for p in PERSONS} | {VILLAGER[0], VILLAGER[2]}


@pytest.mark.slow
@pytest.mark.sqlite_pass  # a subprocess migrates and seeds its own SQLite file, whatever DATABASE_URL says
def test_no_resident_id_or_phone_in_clear_in_the_sqlite_file_after_seed_demo(tmp_path, settings):
    db = tmp_path / "demo.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "SQLITE_PATH": str(db),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "SECRET_KEY": settings.SECRET_KEY,
        "PERSONAL_DATA_KEY": settings.TOWNSHIP_PERSONAL_DATA_KEY,
    }
    for command in (["migrate", "-v0"], ["seed_demo"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr[-3000:]

    files = [p for p in tmp_path.iterdir() if p.name.startswith(db.name)]  # demo.sqlite3, -wal, -shm, -journal
    data = b"".join(p.read_bytes() for p in files)

    decrypted = {v for v in (_decrypt_run(m) for m in CIPHER.findall(data)) if v is not None}
    with sqlite3.connect(db) as con:  # the same values, read row by row (a value split across pages)
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for row in con.execute(f'SELECT * FROM "{table}"'):  # noqa: S608
                decrypted |= {crypto.decrypt(v) for v in row if crypto.is_encrypted(v)}
    # An organisation's 统一社会信用代码 is public by law (a party's ID field may hold one): not personal data.
    personal = {v for v in decrypted if len(v) >= 7 and not is_valid_uscc(v)} | _demo_constants()
    ids = {v for v in personal if is_valid_resident_id(v)}
    phones = {v for v in personal if re.fullmatch(r"1[3-9][0-9]{9}", v)}
    assert len(ids) >= 4 and len(phones) >= 4, (ids, phones)  # the demo's people really are there, encrypted

    leaks = sorted(v for v in personal if v.encode() in data)
    assert leaks == []
    clear_ids = {m.decode() for m in RESIDENT_ID.findall(data) if is_valid_resident_id(m.decode())}
    assert clear_ids == set()
