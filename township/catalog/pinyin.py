"""Pinyin initials for search: ``营业执照`` → ``yyzz`` (letters and digits are kept, punctuation dropped)."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def initials(text: str) -> str:
    parts = lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors=lambda chunk: list(chunk))
    out = []
    for part in parts:
        for ch in part:
            if ch.isascii() and ch.isalnum():
                out.append(ch.lower())
    return "".join(out)[:200]
