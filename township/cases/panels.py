"""Panels that other apps add to every case page (督办 from the command center, …), below the actions and links.

An app registers ``panel(request, case) -> str`` (rendered HTML, or "" when it has nothing for this user and case)
in ``AppConfig.ready()`` with :func:`register_case_panel`; ``{% case_links case %}`` renders them on every case
page, so the engine and the case-type apps never import the apps that add panels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Panel = Callable[[Any, Any], str]

_PANELS: dict[str, Panel] = {}


def register_case_panel(name: str, panel: Panel) -> None:
    _PANELS[name] = panel


def unregister_case_panel(name: str) -> None:
    _PANELS.pop(name, None)


def render_panels(request: Any, case: Any) -> list[str]:
    if request is None:
        return []
    return [html for html in (panel(request, case) for panel in _PANELS.values()) if html]
