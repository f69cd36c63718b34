"""The PWA files of the field app: the web app manifest and the service worker (app shell, forms and the last 待办
cached for offline reading; writes are queued by the page in IndexedDB, not by the worker)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _

ICON_SIZES = (48, 72, 96, 144, 192, 256, 512)
# Pages and API reads cached network-first (the last answer stays readable offline).
SHELL_PAGES = ("/field/", "/field/report/", "/field/tasks/", "/field/patrol/", "/field/nearby/", "/field/offline/")
STATIC_ASSETS = (
    "field/field.css",
    "field/field.js",
    "field/idbqueue.js",
    "township/app.css",
    "vendor/leaflet/dist/leaflet.css",
    "vendor/leaflet/dist/leaflet.js",
    "vendor/htmx.org/dist/htmx.min.js",
    "field/icons/icon-192.png",
)
SW_TEMPLATE = Path(__file__).parent / "static_src" / "sw.js"


def manifest(static: Callable[[str], str]) -> dict:
    icons = [
        {"src": static(f"field/icons/icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png", "purpose": "any"}
        for n in ICON_SIZES
    ]
    icons.append(
        {"src": static("field/icons/maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"}
    )
    return {
        "id": "/field/",
        "name": _("乡镇综合治理·外勤"),
        "short_name": _("外勤"),
        "description": _("网格员、执法队员的移动工作台：待办、上报、巡查、附近事件，离线可用"),
        "lang": "zh-CN",
        "start_url": "/field/?source=pwa",
        "scope": "/field/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#1f5fa8",
        "icons": icons,
    }


@lru_cache(maxsize=4)
def _template() -> str:
    return SW_TEMPLATE.read_text(encoding="utf-8")


def service_worker(static: Callable[[str], str], debug: bool = False) -> str:
    assets = [static(a) for a in STATIC_ASSETS]
    body = _template() if not debug else SW_TEMPLATE.read_text(encoding="utf-8")
    version = hashlib.sha256(("\n".join(assets) + body).encode()).hexdigest()[:12]
    pages = ",".join(f'"{p}"' for p in SHELL_PAGES)
    urls = ",".join(f'"{a}"' for a in assets)
    return (
        body.replace("__VERSION__", version)
        .replace('"__PAGES__"', pages)
        .replace('"__ASSETS__"', urls)
        .replace("__OFFLINE__", "/field/offline/")
    )
