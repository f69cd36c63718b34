/* 道路河流 import preview (township/grid/templates/grid/features.html): the previewed lines in red over the grids,
   the roads already saved and the village names (maplayers.js). No strings of its own. */
(function () {
  "use strict";
  var el = document.getElementById("feature-preview-map");
  var data = document.getElementById("feature-preview-data");
  if (!el || !data || typeof L === "undefined") { return; }
  var map = L.map(el, {preferCanvas: true}).setView([29.07, 106.13], 12);
  fetch("/api/v1/grid/grids.geojson?level=2", {credentials: "same-origin"})
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (grids) {
      if (grids) { L.geoJSON(grids, {interactive: false, style: {color: "#409eff", weight: 1, fillOpacity: 0.03}}).addTo(map); }
    });
  var lines = L.geoJSON(JSON.parse(data.textContent), {
    style: function (f) { return {color: f.properties.kind === "river" ? "#1e88e5" : "#e53935", weight: 4, opacity: 0.9}; },
    onEachFeature: function (f, layer) { layer.bindTooltip(String(f.properties.name || "")); }
  }).addTo(map);
  var b = lines.getBounds();
  if (b.isValid()) { map.fitBounds(b, {padding: [16, 16]}); }
})();
