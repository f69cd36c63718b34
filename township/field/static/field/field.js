/* The field app in the browser: service worker registration, the sync indicator, sending the IndexedDB outbox when
   the network is there, the device's position (never typed) and the small Leaflet maps of the pages. */
(function () {
  "use strict";
  var cfg = (function () { var el = document.getElementById("field-config"); return el ? JSON.parse(el.textContent) : {}; })();
  var T = cfg.text || {};
  var Field = window.Field = {cfg: cfg};

  // ---- service worker -------------------------------------------------------------------------------------------
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/field/sw.js", {scope: "/field/"}).catch(function () {});
  }

  // ---- CSRF -----------------------------------------------------------------------------------------------------
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (m) { return decodeURIComponent(m[1]); }
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.content : "";
  }
  Field.csrf = csrf;
  Field.postJSON = function (url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()}, body: JSON.stringify(body)})
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (b) { b._status = r.status; return b; }); });
  };

  // ---- sync indicator and outbox --------------------------------------------------------------------------------
  var syncing = false, lastError = "";
  function indicator(pending, failed) {
    var el = document.getElementById("sync-indicator");
    if (!el) { return; }
    var online = navigator.onLine;
    el.dataset.online = online ? "1" : "0";
    el.dataset.pending = String(pending);
    var text = (online ? T.online : T.offline) + " · ";
    text += pending ? (T.pending || "").replace("%n", pending) : T.synced;
    if (failed) { text += " · " + (T.failed || "").replace("%n", failed); }
    if (syncing) { text += " · " + T.syncing; }
    el.querySelector(".sync-text").textContent = text;
    el.className = "sync " + (online ? "on" : "off") + (pending ? " pending" : "") + (failed ? " failed" : "");
    el.title = lastError;
  }
  function outboxList(rows) {
    var box = document.getElementById("outbox");
    if (!box) { return; }
    box.innerHTML = "";
    rows.forEach(function (r) {
      var li = document.createElement("li");
      li.className = r.failed ? "failed" : "";
      var when = new Date(r.created);
      li.textContent = (r.label || r.kind) + " · " + when.toLocaleString("zh-CN", {hour12: false}) + " · " +
        (r.failed ? (T.failedOne + "：" + r.error) : T.waiting);
      if (r.failed) {
        var b = document.createElement("button"); b.type = "button"; b.className = "link"; b.textContent = T.discard;
        b.addEventListener("click", function () { FieldQueue.remove(r.key).then(refresh); });
        li.appendChild(document.createTextNode(" ")); li.appendChild(b);
      }
      box.appendChild(li);
    });
    box.hidden = rows.length === 0;
  }
  function refresh() {
    return FieldQueue.all().then(function (rows) {
      var failed = rows.filter(function (r) { return r.failed; }).length;
      indicator(rows.length - failed, failed);
      outboxList(rows);
      return rows;
    }).catch(function () { indicator(0, 0); });
  }
  Field.refresh = refresh;

  function send(item) {
    var fd = new FormData();
    fd.append("key", item.key);
    Object.keys(item.fields || {}).forEach(function (k) {
      var v = item.fields[k];
      if (v !== null && v !== undefined && v !== "") { fd.append(k, v); }
    });
    (item.files || []).forEach(function (f) { fd.append(item.fileField || "photos", f.blob, f.name); });
    return fetch(item.url, {method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": csrf()}, body: fd});
  }

  // Send the queue in order; stop at the first transient failure (network, 5xx, not signed in) and retry later.
  function flush() {
    if (syncing || !navigator.onLine) { return refresh(); }
    syncing = true;
    return FieldQueue.all().then(function (rows) {
      var todo = rows.filter(function (r) { return !r.failed; });
      indicator(todo.length, rows.length - todo.length);
      var i = 0;
      function next() {
        if (i >= todo.length) { return null; }
        var item = todo[i++];
        return send(item).then(function (resp) {
          return resp.json().catch(function () { return {}; }).then(function (body) {
            if (resp.ok) {
              document.dispatchEvent(new CustomEvent("field:sent", {detail: {item: item, result: body}}));
              return FieldQueue.remove(item.key).then(next);
            }
            if (resp.status >= 500 || resp.status === 401 || resp.status === 429 || !body.code) {
              lastError = resp.status === 401 ? T.login : (body.message || "HTTP " + resp.status);
              return null;
            }
            item.failed = true; item.error = body.message || body.code;
            return FieldQueue.put(item).then(next);
          });
        }, function () { return null; });
      }
      return next();
    }).catch(function () {}).then(function () { syncing = false; return refresh(); });
  }
  Field.flush = flush;
  Field.enqueue = function (item) { return FieldQueue.put(item).then(function (it) { return refresh().then(function () { flush(); return it; }); }); };

  window.addEventListener("online", flush);
  window.addEventListener("offline", refresh);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { flush(); } });
  setInterval(flush, 20000);
  document.addEventListener("DOMContentLoaded", flush);

  // ---- position -------------------------------------------------------------------------------------------------
  Field.position = null;
  var watchers = [];
  Field.onPosition = function (cb) { watchers.push(cb); if (Field.position) { cb(Field.position); } };
  Field.watchPosition = function () {
    var status = document.getElementById("gps-status");
    if (!navigator.geolocation) { if (status) { status.textContent = T.noGps; } return; }
    navigator.geolocation.watchPosition(function (p) {
      Field.position = {lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy,
        at: new Date(p.timestamp || Date.now()).toISOString()};
      if (status) {
        status.textContent = T.located.replace("%lat", Field.position.lat.toFixed(6)).replace("%lon", Field.position.lon.toFixed(6))
          .replace("%acc", Math.round(Field.position.accuracy));
        status.className = "gps ok";
      }
      watchers.forEach(function (cb) { cb(Field.position); });
    }, function (err) {
      if (status) { status.textContent = T.gpsError + (err && err.message ? "（" + err.message + "）" : ""); status.className = "gps bad"; }
    }, {enableHighAccuracy: true, maximumAge: 10000, timeout: 30000});
  };

  // ---- maps -----------------------------------------------------------------------------------------------------
  Field.map = function (id, opts) {
    var el = document.getElementById(id);
    if (!el || typeof L === "undefined") { return null; }
    opts = opts || {};
    var map = L.map(el, {zoomControl: true, attributionControl: !!cfg.tiles, preferCanvas: true});
    map.setView(cfg.center || [29.07, 106.13], opts.zoom || 15);
    if (cfg.tiles && cfg.tiles.url) {
      L.tileLayer(cfg.tiles.url, {subdomains: cfg.tiles.subdomains || "abc", attribution: cfg.tiles.attribution || "", maxZoom: 19}).addTo(map);
    }
    fetch("/api/v1/grid/grids.geojson?level=3", {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.features) { return; }
        L.geoJSON(data, {style: {color: "#67c23a", weight: 1, fillOpacity: 0.05},
          onEachFeature: function (f, l) { l.bindTooltip(f.properties.name, {sticky: true}); }}).addTo(map);
      }).catch(function () {});
    var me = null, ring = null;
    map.showMe = function (pos, follow) {
      var ll = [pos.lat, pos.lon];
      if (!me) {
        me = L.circleMarker(ll, {radius: 7, color: "#fff", weight: 2, fillColor: "#1f5fa8", fillOpacity: 1}).addTo(map);
        ring = L.circle(ll, {radius: pos.accuracy || 10, color: "#1f5fa8", weight: 1, fillOpacity: 0.08}).addTo(map);
        map.setView(ll, Math.max(map.getZoom(), 16));
      } else {
        me.setLatLng(ll); ring.setLatLng(ll); ring.setRadius(pos.accuracy || 10);
        if (follow) { map.panTo(ll); }
      }
    };
    return map;
  };

  // Photos as Blobs kept with their names (IndexedDB stores them as they are).
  Field.files = function (input) {
    return Array.prototype.map.call(input.files || [], function (f) { return {blob: f, name: f.name || "photo.jpg", type: f.type}; });
  };
  Field.sha256 = function (blob) {
    if (!(window.crypto && crypto.subtle)) { return Promise.resolve(""); }
    return blob.arrayBuffer().then(function (buf) { return crypto.subtle.digest("SHA-256", buf); }).then(function (d) {
      return Array.prototype.map.call(new Uint8Array(d), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    });
  };

  // Signing out drops the cached pages and reads (待办) from this device; the unsent outbox stays.
  var logout = document.querySelector("form[action*='logout']");
  if (logout && "serviceWorker" in navigator) {
    logout.addEventListener("submit", function () {
      if (navigator.serviceWorker.controller) { navigator.serviceWorker.controller.postMessage("clear"); }
    });
  }

  refresh();
})();
