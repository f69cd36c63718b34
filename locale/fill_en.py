"""Fill locale/en/LC_MESSAGES/django.po from locale/en_shell.json (the shell's and the case engine's strings).

Run after ``manage.py makemessages -l en``; then ``manage.py compilemessages -l en``.
Entries already translated by hand in the .po are kept; fuzzy guesses are dropped.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PO = HERE / "en" / "LC_MESSAGES" / "django.po"


def quote(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def main() -> int:
    table = json.loads((HERE / "en_shell.json").read_text(encoding="utf-8"))
    text = PO.read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    out = []
    filled = 0
    for block in blocks:
        lines = block.split("\n")
        msgid_lines: list[str] = []
        i = 0
        # collect msgid (possibly multi-line)
        while i < len(lines) and not lines[i].startswith("msgid "):
            i += 1
        if i == len(lines) or any(ln.startswith("msgid_plural") for ln in lines):
            out.append(block)
            continue
        start = i
        msgid_lines.append(lines[i][6:])
        i += 1
        while i < len(lines) and lines[i].startswith('"'):
            msgid_lines.append(lines[i])
            i += 1
        msgid = "".join(json.loads(s) for s in msgid_lines)
        if not msgid or i >= len(lines) or not lines[i].startswith("msgstr "):
            out.append(block)
            continue
        msgstr_lines = [lines[i][7:]]
        j = i + 1
        while j < len(lines) and lines[j].startswith('"'):
            msgstr_lines.append(lines[j])
            j += 1
        current = "".join(json.loads(s) for s in msgstr_lines)
        head = [ln for ln in lines[:start] if not (ln.startswith("#,") and "fuzzy" in ln)]
        head = [ln for ln in head if not ln.startswith("#| ")]
        fuzzy = any(ln.startswith("#,") and "fuzzy" in ln for ln in lines[:start])
        if msgid in table:
            current = table[msgid]
            filled += 1
        elif fuzzy:
            current = ""
        flags = [ln for ln in lines[:start] if ln.startswith("#,")]
        keep_flags = []
        for fl in flags:
            rest = [f.strip() for f in fl[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
            if rest:
                keep_flags.append("#, " + ", ".join(rest))
        head = [ln for ln in head if not ln.startswith("#,")] + keep_flags
        out.append("\n".join([*head, *lines[start:i], "msgstr " + quote(current), *lines[j:]]))
    PO.write_text("\n\n".join(out), encoding="utf-8")
    missing = sorted(set(table) - set(re.findall(r'^msgid "(.*)"$', text, flags=re.M)))
    sys.stderr.write(f"filled {filled}; not in the catalogue: {len(missing)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
