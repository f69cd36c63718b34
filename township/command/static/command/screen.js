/* 大屏: draws the figures of one unit (ECharts), the live map (grids, open events, field workers' last positions
   and today's tracks)
   and polls the JSON feed every 30 s to redraw without reloading the page. */
(function () {
  "use strict";
  var root = document.getElementById("scr");
  if (!root) { return; }
  var feed = root.dataset.feed, town = root.dataset.town;
  var light = root.dataset.light === "1", extra = root.dataset.linkExtra || "";
  var COLORS = ["#3ba0ff", "#36cbcb", "#4ecb73", "#fbd437", "#f2637b", "#975fe5", "#ff9845", "#5ad8a6"];
  var charts = {};

  function text(id, v) { var el = document.getElementById(id); if (el) { el.textContent = String(v); } }
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]; }); }

  function chart(id) {
    if (typeof echarts === "undefined") { return null; }
    if (!charts[id]) { var el = document.getElementById(id); if (!el) { return null; } charts[id] = echarts.init(el, null, {renderer: "canvas"}); }
    return charts[id];
  }
  var INK = light ? "#606266" : "#cfe0ff";
  var AXIS = light
    ? {axisLine: {lineStyle: {color: "#c0c4cc"}}, axisLabel: {color: "#606266", fontSize: 12}, splitLine: {lineStyle: {color: "#ebeef5"}}}
    : {axisLine: {lineStyle: {color: "#4a5a78"}}, axisLabel: {color: "#9fb3d9", fontSize: 14}, splitLine: {lineStyle: {color: "#1f2d4a"}}};

  function draw(d) {
    text("k-overdue", d.warnings.overdue); text("k-red", d.warnings.red); text("k-yellow", d.warnings.yellow);
    text("k-late", d.late_month); text("scr-updated", d.generated_at);
    var trend = chart("c-trend");
    if (trend) {
      trend.setOption({
        color: COLORS, grid: {left: 50, right: 20, top: 40, bottom: 30},
        legend: {type: "scroll", textStyle: {color: INK, fontSize: light ? 12 : 14}, pageTextStyle: {color: INK}, top: 0},
        tooltip: {trigger: "axis"},
        xAxis: Object.assign({type: "category", data: d.trend.days}, AXIS),
        yAxis: Object.assign({type: "value", minInterval: 1}, AXIS),
        series: d.trend.series.map(function (s) { return {name: s.label, type: "line", smooth: true, symbol: "none", areaStyle: {opacity: 0.12}, data: s.data}; })
      }, true);
    }
    var states = chart("c-states");
    if (states) {
      var labels = [], values = [];
      d.states.forEach(function (t) { t.rows.slice(0, 4).forEach(function (r) { labels.push(t.label + "·" + r.state); values.push(r.n); }); });
      states.setOption({
        color: COLORS, grid: {left: 190, right: 30, top: 10, bottom: 20},
        tooltip: {}, xAxis: Object.assign({type: "value", minInterval: 1}, AXIS),
        yAxis: Object.assign({type: "category", data: labels.reverse(), axisLabel: {color: INK, fontSize: light ? 12 : 14}}, {axisLine: AXIS.axisLine}),
        series: [{type: "bar", data: values.reverse(), barMaxWidth: 18, itemStyle: {color: "#3ba0ff"}}]
      }, true);
    }
    var kids = document.getElementById("t-children");
    if (kids && d.children.length) {
      kids.innerHTML = d.children.map(function (c) {
        return "<tr><td><a href=\"" + esc(c.link) + extra + "\">" + esc(c.name) + "</a></td><td>" + c.open + "</td><td>" + c.month + "</td><td class=\"" + (c.overdue ? "hot" : "") + "\">" + c.overdue + "</td></tr>";
      }).join("");
    }
    var depts = document.getElementById("t-depts");
    if (depts && d.departments.length) {
      depts.innerHTML = d.departments.map(function (r) {
        return "<tr><td>" + esc(r.name) + "</td><td class=\"" + (r.overdue ? "hot" : "") + "\">" + r.overdue + "</td><td>" + r.red + "</td><td>" + r.late + "</td></tr>";
      }).join("");
    }
  }

  var people = null, tracks = null, mapState = null;
  var legendEl = document.getElementById("scr-legend");
  var TRACK_LABEL = (legendEl && legendEl.dataset.trackLabel) || "";
  var TRACK_COLORS = ["#36cbcb", "#fbd437", "#975fe5", "#ff9845", "#5ad8a6", "#3ba0ff"];
  function drawTracks() {
    // Today's tracks of the field workers (thinned by the server), under their last positions.
    var url = "/api/v1/command/positions/tracks" + (town ? "?unit=" + encodeURIComponent(town) : "");
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : []; }).then(function (rows) {
      if (tracks) { mapState.map.removeLayer(tracks); }
      tracks = L.layerGroup(rows.map(function (t, i) {
        return L.polyline(t.points.map(function (p) { return [p[1], p[0]]; }),
          {color: TRACK_COLORS[i % TRACK_COLORS.length], weight: 3, opacity: 0.75, className: "scr-track"})
          .bindTooltip(esc(t.name) + " · " + esc(TRACK_LABEL));
      })).addTo(mapState.map);
      if (people) { people.eachLayer(function (m) { m.bringToFront(); }); }
      text("scr-tracks", rows.length);
    }).catch(function () {});
  }
  function drawPeople() {
    if (!mapState || typeof L === "undefined") { return; }
    drawTracks();
    var url = "/api/v1/command/positions/last" + (town ? "?unit=" + encodeURIComponent(town) : "");
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : []; }).then(function (rows) {
      if (people) { mapState.map.removeLayer(people); }
      people = L.layerGroup(rows.map(function (p) {
        return L.circleMarker([p.lat, p.lon], {radius: 7, color: "#fff", weight: 2, fillColor: "#36cbcb", fillOpacity: 1})
          .bindTooltip(esc(p.name) + " · " + esc(p.at.slice(11, 16)));
      })).addTo(mapState.map);
      text("scr-people", rows.length);
    }).catch(function () {});
  }

  if (typeof GridMap !== "undefined") {
    var q = town ? "?jurisdiction=" + encodeURIComponent(town) : "";
    mapState = GridMap.init("scr-map", {center: [29.07, 106.13], gridsUrl: "/api/v1/grid/grids.geojson" + q, pointsUrl: "/api/v1/grid/map?limit=4000", detailBase: "/grid/events/"});
    var legend = document.getElementById("scr-legend");
    if (legend) { legend.hidden = false; }  /* the legend's words are the page's (translated), shown with the map */
    drawPeople();
  }

  var initial = document.getElementById("scr-data");
  if (initial) { draw(JSON.parse(initial.textContent)); }
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });

  function clock() { var n = new Date(); text("scr-clock", n.toLocaleString("zh-CN", {hour12: false})); }
  clock(); setInterval(clock, 1000);
  setInterval(function () {
    fetch(feed, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : null; }).then(function (d) { if (d) { draw(d); } }).catch(function () {});
    drawPeople();
  }, 30000);
})();
