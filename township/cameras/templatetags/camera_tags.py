"""Template tags of the map layers (issue 15): the basemap / layer configuration as a JSON script tag, and an
optional vendor script (an npm package served from node_modules) included only when it is installed."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import json_script
from django.utils.translation import gettext as _

register = template.Library()


def grid_state_labels() -> dict[str, str]:
    """Event state labels for grid/gridmap.js (its popups and legend), in the request's language."""
    from township.cases.registry import all_machines

    return {s.key: str(s.label) for m in all_machines() if m.case_type == "grid_event" for s in m.states}


def map_config_for(user: Any) -> dict[str, Any]:
    """What maplayers.js needs: the tile layer (empty url = none), and the layer sources the user may see."""
    from township.cameras import selectors as camera_selectors
    from township.party import selectors as party_selectors

    subdomains = str(getattr(settings, "TOWNSHIP_MAP_TILE_SUBDOMAINS", "") or "")
    config: dict[str, Any] = {
        "tiles": {
            "url": str(getattr(settings, "TOWNSHIP_MAP_TILE_URL", "") or ""),
            "subdomains": [s for s in subdomains.replace(",", "") if s.strip()] if subdomains else [],
            "attribution": str(getattr(settings, "TOWNSHIP_MAP_TILE_ATTRIBUTION", "") or ""),
        },
        "css": static("cameras/cameras.css"),
        "cameras": None,
        "party": None,
        "roads": None,
        "texts": {
            "cameras": _("摄像头"),
            "party": _("党组织"),
            "members": _("党员中心户"),
            "households": _("联系 %n 户"),
            "partyIcon": _("党"),
            "secretary": _("书记"),
            "redFlag": _("红旗党支部"),
            "villages": _("村（社区）名称"),
            "roads": _("道路河流"),
            "basemap": _("底图"),
        },
        "states": grid_state_labels(),
    }
    if user is not None and getattr(user, "is_authenticated", False):
        config["roads"] = {"url": "/api/v1/grid/features"}  # the towns' own roads and rivers (grid.MapFeature)
        if camera_selectors.may_view(user):
            config["cameras"] = {"url": "/api/v1/cameras/geojson", "detail": reverse("cameras:list")}
        if party_selectors.may_view(user):
            config["party"] = {"url": "/api/v1/party/geojson", "detail": reverse("party:list")}
    return config


@register.simple_tag(takes_context=True)
def map_layers_config(context: template.Context) -> str:
    """``<script type="application/json" id="township-map-config">…</script>`` for maplayers.js."""
    request = context.get("request")
    return json_script(map_config_for(getattr(request, "user", None)), "township-map-config")
