"""English is complete (issue 16, item 8): every msgid of locale/en/LC_MESSAGES/django.po is translated, not fuzzy,
keeps its placeholders, is compiled into django.mo, and every translatable string of the source is in the catalogue.

The source check extracts the strings the way ``manage.py makemessages`` does (templates through Django's
``templatize``, then one ``xgettext`` run with Django's keywords) into a temporary directory, so a new ``_()`` or
``{% trans %}`` without an English translation fails here. To fix a failure:

    .venv/bin/python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=node_modules \
        --ignore=staticfiles --ignore=media --ignore=bench
    # translate the new entries in locale/en/LC_MESSAGES/django.po (and drop their "#, fuzzy"), then
    .venv/bin/python manage.py compilemessages -l en --ignore=.venv --ignore=node_modules
"""

from __future__ import annotations

import ast
import fnmatch
import gettext
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# As the project runs makemessages (docs/ui.md "English"): its --ignore list plus Django's default patterns.
IGNORE = ("CVS", ".*", "*~", "*.pyc", ".venv", "node_modules", "staticfiles", "media", "bench")
EXTENSIONS = (".html", ".txt", ".py")
XGETTEXT_KEYWORDS = (
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
)
PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0-9.]*[sdifr]|%[sdif]|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    def label(self) -> str:
        return f"{self.msgctxt}|{self.msgid}" if self.msgctxt else self.msgid


def parse_po(text: str) -> list[Entry]:
    """A small reader for the .po/.pot subset gettext writes (no polib in the environment)."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", text):
        entry = Entry()
        current: str | None = None
        values: dict[str, str] = {}
        for line in block.splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
                continue
            if line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(","))
                continue
            if line.startswith("#") or not line.strip():
                continue
            m = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
            if m:
                current = m.group(1)
                values[current] = ast.literal_eval(m.group(2))
            elif line.startswith('"') and current:
                values[current] += ast.literal_eval(line)
        if "msgid" not in values:
            continue
        entry.msgid = values["msgid"]
        entry.msgctxt = values.get("msgctxt")
        entry.plural = values.get("msgid_plural")
        entry.msgstrs = [v for k, v in sorted(values.items()) if k.startswith("msgstr")]
        entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return [e for e in parse_po(PO.read_text(encoding="utf-8")) if e.msgid and not e.obsolete]


def _shown(labels: list[str]) -> str:
    return "\n  ".join(labels[:30]) + (f"\n  … and {len(labels) - 30} more" if len(labels) > 30 else "")


def test_every_msgid_has_an_english_translation_and_none_is_fuzzy(catalogue):
    assert len(catalogue) > 1000, "the English catalogue looks truncated"
    empty = [e.label() for e in catalogue if not e.msgstrs or any(not s for s in e.msgstrs)]
    fuzzy = [e.label() for e in catalogue if "fuzzy" in e.flags]
    assert not empty, f"{len(empty)} msgids without English in {PO.relative_to(ROOT)}:\n  {_shown(empty)}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (unchecked) entries in {PO.relative_to(ROOT)}:\n  {_shown(fuzzy)}"


def test_no_translation_is_left_in_chinese(catalogue):
    """Short Chinese words may stay (sample search words such as "营业执照", input values "是"/"否"); a phrase may not."""
    phrase = re.compile(r"[\u4e00-\u9fff]{7,}")
    left = [e.label() for e in catalogue for s in e.msgstrs if phrase.search(s)]
    assert not left, f"translations still in Chinese:\n  {_shown(left)}"


def test_translations_keep_the_placeholders(catalogue):
    wrong = []
    for e in catalogue:
        sources = [e.msgid, e.plural or e.msgid]
        for i, s in enumerate(e.msgstrs):
            want = sorted(PLACEHOLDER.findall(sources[min(i, 1)]))
            if sorted(PLACEHOLDER.findall(s)) != want:
                wrong.append(f"{e.label()}  →  {s}")
    assert not wrong, "placeholders changed in translation:\n  " + _shown(wrong)


def test_compiled_catalogue_is_up_to_date(catalogue):
    """django.mo is committed (docs/ui.md): it must carry every translation of the .po."""
    with MO.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = []
    for e in catalogue:
        if e.plural:
            got = [mo.npgettext(e.msgctxt, e.msgid, e.plural, 1)] if e.msgctxt else [mo.ngettext(e.msgid, e.plural, 1)]
            want = e.msgstrs[:1]
        else:
            got = [mo.pgettext(e.msgctxt, e.msgid) if e.msgctxt else mo.gettext(e.msgid)]
            want = e.msgstrs
        if got != want:
            stale.append(e.label())
    assert not stale, f"{MO.relative_to(ROOT)} is stale; run compilemessages:\n  {_shown(stale)}"


def _ignored(path: Path) -> bool:
    rel = path.relative_to(ROOT).as_posix()
    return any(fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(path.name, p) for p in IGNORE)


def _translatable_files() -> list[Path]:
    skip_roots = {os.path.normpath(str(p)) for p in (settings.MEDIA_ROOT, settings.STATIC_ROOT) if p}
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d != "locale" and not _ignored(here / d) and os.path.normpath(str(here / d)) not in skip_roots
        )
        found.extend(here / f for f in sorted(filenames) if Path(f).suffix in EXTENSIONS and not _ignored(here / f))
    return found


def source_msgids() -> set[tuple[str | None, str]]:
    """The (msgctxt, msgid) pairs makemessages would extract from the source tree today."""
    from django.utils.translation import templatize

    with tempfile.TemporaryDirectory(prefix="township-i18n-") as tmp:
        inputs = []
        for n, path in enumerate(_translatable_files()):
            if path.suffix == ".py":
                inputs.append(str(path))
                continue
            text = path.read_text(encoding="utf-8")
            if "trans" not in text:  # no {% trans %}, {% translate %}, {% blocktrans(late) %}: nothing to extract
                continue
            work = Path(tmp) / f"{n}_{path.name}.py"
            work.write_text(templatize(text, origin=str(path.relative_to(ROOT))), encoding="utf-8")
            inputs.append(str(work))
        listing = Path(tmp) / "files.txt"
        listing.write_text("\n".join(inputs), encoding="utf-8")
        run = subprocess.run(
            [
                "xgettext",
                "-d",
                "django",
                "--language=Python",
                *XGETTEXT_KEYWORDS,
                "--output=-",
                "--files-from",
                str(listing),
                "--from-code=UTF-8",
            ],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
    assert run.returncode == 0, run.stderr[-2000:]
    return {e.key for e in parse_po(run.stdout) if e.msgid}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext (xgettext) is not installed")
def test_every_translatable_string_of_the_source_is_in_the_catalogue(catalogue):
    known = {e.key for e in catalogue}
    extracted = source_msgids()
    assert len(extracted) > 1000, "the extraction found too few strings; is the source tree where it should be?"
    missing = sorted(m for c, m in extracted - known)
    assert not missing, (
        f"{len(missing)} translatable strings are not in {PO.relative_to(ROOT)} (run makemessages and translate them):"
        f"\n  {_shown(missing)}"
    )


def test_the_english_ui_is_served_from_the_catalogue():
    from django.utils import translation

    with translation.override("en"):
        assert translation.gettext("工作台") == "Workbench"
        assert translation.gettext("行政处罚") == "Administrative penalty"
    with translation.override("zh-hans"):
        assert translation.gettext("工作台") == "工作台"
