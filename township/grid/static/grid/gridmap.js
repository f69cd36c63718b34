/* Grid maps with Leaflet and no internet tiles: the grids are drawn from their own GeoJSON,
   events are clustered by screen cell and coloured by their status group. */
(function () {
  "use strict";
  var GROUPS = {
    reported: ["#e6a23c", "待受理"], verifying: ["#e6a23c", "待核实"], verified: ["#e6a23c", "已核实"],
    registered: ["#409eff", "已立案"], dispatched: ["#409eff", "已派遣"],
    handling: ["#8e44ad", "处置中"], postpone_requested: ["#8e44ad", "延期待批"], postponed: ["#909399", "延期中"],
    handled: ["#17a2b8", "待核查"], verified_ok: ["#17a2b8", "待结案"],
    closed: ["#67c23a", "已结案"], evaluated: ["#67c23a", "已评价"],
    not_registered: ["#c0c4cc", "不予立案"], cancelled: ["#c0c4cc", "作废"]
  };
  try {  // the state labels in the page's language, when the page renders {% map_layers_config %}
    var cfgEl = document.getElementById("township-map-config");
    var states = cfgEl ? (JSON.parse(cfgEl.textContent).states || {}) : {};
    Object.keys(states).forEach(function (k) { if (GROUPS[k]) { GROUPS[k][1] = states[k]; } });
  } catch (e) { /* keep the built-in labels */ }
  var LEVEL_STYLE = {
    1: {color: "#303133", weight: 3, fillOpacity: 0.02},
    2: {color: "#409eff", weight: 2, fillOpacity: 0.04},
    3: {color: "#67c23a", weight: 1, fillOpacity: 0.06}
  };

  function baseMap(id, center) {
    var el = document.getElementById(id);
    if (!el || typeof L === "undefined") { return null; }
    var map = L.map(el, {zoomControl: true, attributionControl: false, preferCanvas: true});
    map.setView(center || [29.07, 106.13], 12);
    return map;
  }

  function drawGrids(map, url, fit) {
    if (!url) { return Promise.resolve(null); }
    return fetch(url, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.features) { return null; }
        var layer = L.geoJSON(data, {
          style: function (f) { return LEVEL_STYLE[f.properties.level] || LEVEL_STYLE[3]; },
          onEachFeature: function (f, l) { l.bindTooltip(f.properties.name + "（" + f.properties.code + "）", {sticky: true}); }
        }).addTo(map);
        if (fit && data.features.length) { map.fitBounds(layer.getBounds(), {padding: [10, 10]}); }
        return layer;
      }).catch(function () { return null; });
  }

  function colour(state) { return (GROUPS[state] || ["#909399"])[0]; }

  function clusterLayer(map, points, detailBase) {
    var layer = L.layerGroup().addTo(map);
    function redraw() {
      layer.clearLayers();
      var cells = {};
      var size = map.getZoom() >= 16 ? 1 : 56;
      points.forEach(function (p) {
        var pt = map.latLngToLayerPoint([p.lat, p.lon]);
        var key = Math.floor(pt.x / size) + ":" + Math.floor(pt.y / size);
        (cells[key] = cells[key] || []).push(p);
      });
      Object.keys(cells).forEach(function (key) {
        var list = cells[key];
        if (list.length === 1) {
          var p = list[0];
          L.circleMarker([p.lat, p.lon], {radius: 6, color: p.overdue ? "#f56c6c" : "#fff", weight: p.overdue ? 3 : 1,
            fillColor: colour(p.state), fillOpacity: 0.95})
            .bindPopup('<a href="' + detailBase + p.id + '/">' + p.number + "</a><br>" + (p.class_ || "") +
                       " · " + ((GROUPS[p.state] || ["", p.state])[1]))
            .addTo(layer);
          return;
        }
        var lat = 0, lon = 0, counts = {};
        list.forEach(function (p) { lat += p.lat; lon += p.lon; counts[p.state] = (counts[p.state] || 0) + 1; });
        var top = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; })[0];
        var n = list.length, d = n > 999 ? 44 : n > 99 ? 38 : 30;
        L.marker([lat / n, lon / n], {icon: L.divIcon({className: "", iconSize: [d, d],
          html: '<div class="cluster-icon" style="width:' + d + "px;height:" + d + "px;line-height:" + (d - 4) +
                "px;background:" + colour(top) + '">' + n + "</div>"})})
          .on("click", function (e) { map.setView(e.latlng, Math.min(map.getZoom() + 2, 18)); })
          .addTo(layer);
      });
    }
    map.on("zoomend moveend", redraw);
    redraw();
    return layer;
  }

  // The map API answers columns (format=columns: parallel arrays, states and classes as legend indexes);
  // rows (one object per point) are still understood.
  function columnsUrl(url) {
    if (/[?&]format=/.test(url)) { return url; }
    return url + (url.indexOf("?") < 0 ? "?" : "&") + "format=columns";
  }

  function decodePoints(data) {
    if (!data) { return []; }
    if (Array.isArray(data)) { return data; }
    var out = new Array(data.id.length);
    for (var i = 0; i < data.id.length; i++) {
      out[i] = {id: data.id[i], lon: data.lon[i], lat: data.lat[i], state: data.states[data.state[i]],
                number: data.number[i], class_: data.classes[data.class_[i]], overdue: data.overdue[i] === 1};
    }
    return out;
  }

  var GridMap = {
    decodePoints: decodePoints,
    groups: GROUPS,
    init: function (id, opts) {
      var map = baseMap(id, opts.center);
      if (!map) { return null; }
      var state = {map: map, gridLayer: null, pointLayer: null};
      state.load = function (gridsUrl, pointsUrl) {
        if (state.gridLayer) { map.removeLayer(state.gridLayer); }
        if (state.pointLayer) { map.removeLayer(state.pointLayer); }
        drawGrids(map, gridsUrl, true).then(function (l) { state.gridLayer = l; });
        if (pointsUrl) {
          fetch(columnsUrl(pointsUrl), {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : []; })
            .then(function (data) {
              var points = decodePoints(data);
              state.pointLayer = clusterLayer(map, points || [], opts.detailBase || "/grid/events/");
              var counter = document.getElementById(id + "-count");
              if (counter) { counter.textContent = String((points || []).length); }
            }).catch(function () {});
        }
      };
      state.load(opts.gridsUrl, opts.pointsUrl);
      return state;
    },
    single: function (id, lat, lon, gridsUrl) {
      var map = baseMap(id, [lat, lon]);
      if (!map) { return; }
      drawGrids(map, gridsUrl, false);
      map.setView([lat, lon], 15);
      L.circleMarker([lat, lon], {radius: 8, color: "#f56c6c", fillOpacity: 0.9}).addTo(map);
    },
    pick: function (id, center, gridsUrl, lonInput, latInput, onPick) {
      var map = baseMap(id, center);
      if (!map) { return null; }
      drawGrids(map, gridsUrl, !lonInput.value);
      var marker = null;
      function place(lat, lon, pan) {
        if (marker) { marker.setLatLng([lat, lon]); } else { marker = L.marker([lat, lon]).addTo(map); }
        lonInput.value = lon.toFixed(6); latInput.value = lat.toFixed(6);
        if (pan) { map.setView([lat, lon], Math.max(map.getZoom(), 15)); }
        if (onPick) { onPick(lat, lon); }
      }
      map.on("click", function (e) { place(e.latlng.lat, e.latlng.lng, false); });
      if (lonInput.value && latInput.value) { place(parseFloat(latInput.value), parseFloat(lonInput.value), true); }
      return {map: map, place: place};
    }
  };
  window.GridMap = GridMap;
})();
