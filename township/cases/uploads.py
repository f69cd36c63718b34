"""An upload read and checked before it is stored on a case (``services.case_attach``): the size limit, the content
type sniffed from the bytes (not the name) against the allowed types, and the SHA-256 recorded on the timeline."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from township.cases.errors import MESSAGES, TransitionRefused, allowed_kinds


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes
    content_type: str
    size: int
    sha256: str


def sniff(head: bytes) -> str:
    import filetype

    kind = filetype.guess(head)
    return kind.mime if kind else "application/octet-stream"


def read_upload(uploaded_file: Any) -> Upload:
    """The file's bytes, read up to the limit, with their type and digest; a refusal (``attachment_too_large``,
    ``attachment_empty``, ``attachment_type``) names the field ``file``."""
    limit = int(settings.TOWNSHIP_ATTACHMENT_MAX_BYTES)
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise TransitionRefused("attachment_too_large", field="file", limit=f"{limit // (1024 * 1024)}MB")
    digest = hashlib.sha256()
    chunks = []
    total = 0
    for chunk in uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else [uploaded_file.read()]:
        total += len(chunk)
        if total > limit:
            raise TransitionRefused("attachment_too_large", field="file", limit=f"{limit // (1024 * 1024)}MB")
        digest.update(chunk)
        chunks.append(chunk)
    content = b"".join(chunks)
    if not content:
        raise TransitionRefused("attachment_empty", field="file")
    mime = sniff(content[:8192])
    if mime not in settings.TOWNSHIP_ATTACHMENT_TYPES:
        allowed = allowed_kinds(list(settings.TOWNSHIP_ATTACHMENT_TYPES))
        raise TransitionRefused(
            "attachment_type", str(MESSAGES["attachment_type"]).format(allowed=allowed), field="file", kind=mime
        )
    name = str(getattr(uploaded_file, "name", "") or "upload")[-200:]
    return Upload(name, content, mime, total, digest.hexdigest())
