/* Map layers for every Leaflet map of the page (issue 15): the configured basemap tiles under the grids, the
   camera layer (click → camera page), the party-building layer (organisations, 党员中心户; the server decides what
   each user sees) and, without tiles, the town's roads and rivers (township/grid MapFeature, under the grid
   polygons) and village names, so the map stays readable from the project's own GeoJSON.

   Include it AFTER leaflet.js and BEFORE the script that creates the map (grid/gridmap.js): it registers an init
   hook (L.Map.addInitHook), which runs for every map created afterwards. The configuration comes from the JSON
   script tag rendered by {% map_layers_config %} (township/cameras/templatetags/camera_tags.py). Each map is also
   pushed to window.townshipMaps. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var configEl = document.getElementById("township-map-config");
  var config = {};
  try { config = configEl ? JSON.parse(configEl.textContent) : {}; } catch (e) { config = {}; }
  window.townshipMaps = window.townshipMaps || [];
  var T = config.texts || {};  // gettext'd labels from the server; the Chinese originals are the fallback
  function t(key, fallback) { return T[key] || fallback; }
  if (config.css && !document.querySelector('link[href="' + config.css + '"]')) {
    var link = document.createElement("link"); link.rel = "stylesheet"; link.href = config.css; document.head.appendChild(link);
  }

  function getJSON(url) {
    return fetch(url, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; });
  }

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }

  function addTiles(map) {
    var t = config.tiles || {};
    if (!t.url) { return null; }
    var opts = {maxZoom: 18, attribution: t.attribution || ""};
    if (t.subdomains && t.subdomains.length) { opts.subdomains = t.subdomains; }
    var layer = L.tileLayer(t.url, opts).addTo(map);  /* tiles live in the tile pane, under the grid polygons */
    if (t.attribution && !map.attributionControl) { L.control.attribution({prefix: false}).addAttribution(t.attribution).addTo(map); }
    return layer;
  }

  function wanted(map, name, dflt) {
    /* data-layers="cameras,party,members" on the map element chooses the layers shown at first (others stay in the
       switcher); without it: cameras and party organisations. */
    var list = map.getContainer().dataset.layers;
    return list ? list.split(",").indexOf(name) >= 0 : dflt;
  }

  function fit(map, layer) {
    if (map.getContainer().dataset.fit !== "layers") { return; }
    var b = layer.getBounds && layer.getBounds();
    if (b && b.isValid()) { map.fitBounds(b, {padding: [12, 12]}); }
  }

  function cameraLayer(map, overlays) {
    var c = config.cameras;
    if (!c || !c.url) { return; }
    var group = L.featureGroup();
    if (wanted(map, "cameras", true)) { group.addTo(map); }
    overlays[t("cameras", "摄像头")] = group;
    getJSON(c.url).then(function (data) {
      if (!data || !data.features) { return; }
      L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          var p = f.properties;
          return L.marker(latlng, {title: p.name, icon: L.divIcon({className: "", iconSize: [22, 22],
            html: '<div class="map-cam-icon ' + esc(p.status) + '">◉</div>'})})
            .bindTooltip(esc(p.name) + "（" + esc(p.device_id) + "）")
            .on("click", function () { window.location.href = c.detail + p.id + "/"; });
        }
      }).addTo(group);
      if (wanted(map, "cameras", true)) { fit(map, group); }
    });
  }

  function partyLayer(map, overlays) {
    var c = config.party;
    if (!c || !c.url) { return; }
    var group = L.featureGroup(), members = L.featureGroup();
    if (wanted(map, "party", true)) { group.addTo(map); }
    if (wanted(map, "members", false)) { members.addTo(map); }
    overlays[t("party", "党组织")] = group;
    overlays[t("members", "党员中心户")] = members;
    getJSON(c.url).then(function (data) {
      if (!data || !data.features) { return; }
      L.geoJSON({type: "FeatureCollection", features: data.features.filter(function (f) { return f.properties.kind === "member"; })}, {
        pointToLayer: function (f, latlng) {
          var p = f.properties;
          return L.marker(latlng, {icon: L.divIcon({className: "", iconSize: [14, 14], html: '<div class="map-member-icon"></div>'})})
            .bindPopup("<b>" + esc(p.role) + "</b> " + esc(p.name) + "<br>" + esc(p.org) + " · " + esc(p.grid) +
                       (p.households ? "<br>" + esc(t("households", "联系 %n 户").replace("%n", p.households)) : ""));
        }
      }).addTo(members);
      L.geoJSON({type: "FeatureCollection", features: data.features.filter(function (f) { return f.properties.kind !== "member"; })}, {
        pointToLayer: function (f, latlng) {
          var p = f.properties;
          if (p.kind === "member") {
            return L.marker(latlng, {icon: L.divIcon({className: "", iconSize: [14, 14], html: '<div class="map-member-icon"></div>'})})
              .bindPopup("<b>" + esc(p.role) + "</b> " + esc(p.name) + "<br>" + esc(p.org) + " · " + esc(p.grid) +
                         (p.households ? "<br>" + esc(t("households", "联系 %n 户").replace("%n", p.households)) : ""));
          }
          var stars = p.stars ? " " + new Array(p.stars + 1).join("★") : "";
          return L.marker(latlng, {title: p.name, icon: L.divIcon({className: "", iconSize: [22, 22],
            html: '<div class="map-party-icon' + (p.red_flag ? " flag" : "") + '">' + esc(t("partyIcon", "党")) + '</div>'})})
            .bindPopup('<a href="' + c.detail + p.id + '/">' + esc(p.name) + "</a><br>" + esc(p.org_kind) +
                       (p.secretary ? " · " + esc(t("secretary", "书记")) + " " + esc(p.secretary) : "") + stars + (p.red_flag ? " · " + esc(t("redFlag", "红旗党支部")) : ""));
        }
      }).addTo(group);
      if (wanted(map, "party", true) && !wanted(map, "cameras", true)) { fit(map, group); }
    });
  }

  function villageName(name) {
    /* 黑石山村村民委员会网格 → 黑石山村, 胜家庄村民委员会网格 → 胜家庄村, 槽坊社区居民委员会网格 → 槽坊社区 */
    var n = String(name || "").replace(/网格$/, "");
    var m = n.match(/^(.*?)(村民委员会|居民委员会)$/);
    if (!m) { return n; }
    var tail = m[2] === "村民委员会" ? "村" : "社区";
    return m[1].slice(-tail.length) === tail ? m[1] : m[1] + tail;
  }

  function villageLabels(map, overlays) {
    /* Without a basemap, name the villages (second-level grids) at their centres. */
    var group = L.layerGroup();
    overlays[t("villages", "村（社区）名称")] = group;
    getJSON("/api/v1/grid/grids.geojson?level=2").then(function (data) {
      if (!data || !data.features) { return; }
      data.features.forEach(function (f) {
        var b = L.geoJSON(f).getBounds();
        if (!b.isValid()) { return; }
        L.marker(b.getCenter(), {interactive: false, icon: L.divIcon({className: "", iconSize: null,
          html: '<span class="map-village-label">' + esc(villageName(f.properties.name)) + "</span>"})}).addTo(group);
      });
      group.addTo(map);
    });
  }

  function roadLayer(map, overlays, tiles) {
    /* Roads and rivers (GET /api/v1/grid/features) in their own pane under the grid polygons (overlayPane 400) and
       over the tiles (200): on by default without tiles; with tiles only where data-layers lists "roads". */
    var c = config.roads;
    if (!c || !c.url) { return; }
    if (!map.getPane("township-roads")) { map.createPane("township-roads").style.zIndex = 350; }
    var group = L.featureGroup();
    overlays[t("roads", "道路河流")] = group;
    if (tiles ? wanted(map, "roads", false) : true) { group.addTo(map); }
    getJSON(c.url).then(function (data) {
      if (!data || !data.features || !data.features.length) { return; }
      L.geoJSON(data, {
        pane: "township-roads",
        style: function (f) {
          return f.properties.kind === "river" ? {color: "#7fb8e6", weight: 4, opacity: 0.9, lineCap: "round"}
            : {color: "#c49a5a", weight: 3, opacity: 0.95, lineCap: "round"};
        },
        onEachFeature: function (f, layer) { layer.bindTooltip(esc(f.properties.name), {sticky: true}); }
      }).addTo(group);
    });
  }

  L.Map.addInitHook(function () {
    var map = this;
    if (map.getContainer().dataset.noLayers !== undefined) { return; }
    window.townshipMaps.push(map);
    var overlays = {};
    var tiles = addTiles(map);
    roadLayer(map, overlays, tiles);
    if (!tiles) { villageLabels(map, overlays); }
    cameraLayer(map, overlays);
    partyLayer(map, overlays);
    var base = {};
    if (tiles) { base[t("basemap", "底图")] = tiles; }
    if (Object.keys(overlays).length) { L.control.layers(base, overlays, {collapsed: true}).addTo(map); }
  });
})();
