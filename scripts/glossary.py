#!/usr/bin/env python
"""Merge docs/glossary/*.md (one file per app, written beside the code) into docs/glossary.md.

The foundation's own terms stay at the top of docs/glossary.md; everything between the markers
below is regenerated (`make docs`).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "glossary.md"
BEGIN, END = "<!-- glossary:begin -->", "<!-- glossary:end -->"
TITLES = {
    "core": "Working time and identifiers",
    "catalog": "Catalog (权责清单)",
    "approval": "Approval (行政审批)",
    "enforcement": "Enforcement (综合行政执法)",
    "grid": "Grid (网格化管理)",
    "certificates": "Subjects, credit, certificates",
}


def section(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").strip().splitlines()
    title = TITLES.get(path.stem, path.stem)
    if lines and lines[0].startswith("#"):
        title = lines[0].lstrip("#").strip().removeprefix("Glossary:").strip() or title
        lines = lines[1:]
    body = "\n".join(lines).strip()
    return f"## {title[:1].upper() + title[1:]}\n\n_From docs/glossary/{path.name}._\n\n{body}\n"


def render() -> str:
    files = sorted(
        (ROOT / "docs" / "glossary").glob("*.md"),
        key=lambda p: (list(TITLES).index(p.stem) if p.stem in TITLES else 99, p.stem),
    )
    return "\n".join([BEGIN, "", *[section(p) for p in files], END])


def main() -> int:
    text = TARGET.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    TARGET.write_text(head + render() + tail, encoding="utf-8")
    sys.stdout.write(
        f"merged {len(list((ROOT / 'docs' / 'glossary').glob('*.md')))} glossary files into docs/glossary.md\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
