/* Service worker of the field app (scope /field/). App shell and static files cached at install; pages and the
   reads the phone needs offline (待办, event classes, grid outlines) are fetched network-first and the last good
   answer kept, so they stay readable without a network. Writes are never replayed here: the page queues them in
   IndexedDB with an idempotency key and sends them when the network returns. */
"use strict";
var VERSION = "__VERSION__";
var SHELL = "field-shell-" + VERSION;
var DATA = "field-data-v1";
var PAGES = ["__PAGES__"];
var ASSETS = ["__ASSETS__"];
var OFFLINE = "__OFFLINE__";
var API_CACHED = ["/api/v1/field/tasks", "/api/v1/grid/classes", "/api/v1/grid/grids.geojson"];

function keep(cacheName, request, response) {
  if (response && response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(cacheName).then(function (c) { c.put(request, copy); });
  }
  return response;
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) {
      var all = ASSETS.concat(PAGES).map(function (url) {
        return fetch(url, {credentials: "same-origin"}).then(function (r) {
          if (r.ok && !r.redirected) { return cache.put(url, r); }
        }).catch(function () {});
      });
      return Promise.all(all);
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("field-shell-") === 0 && n !== SHELL; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function networkFirst(request, cacheName, fallback) {
  return fetch(request).then(function (r) {
    if (r.status >= 500 && fallback !== undefined) { throw new Error("server"); }
    return keep(cacheName, request, r);
  }).catch(function () {
    // ignoreVary: the pages vary on Accept-Language and Cookie; the copies cached at install were fetched without
    // the navigation's headers and would never match otherwise (the cache is this device's, dropped at sign-out).
    return caches.match(request, {ignoreSearch: request.mode === "navigate", ignoreVary: true}).then(function (hit) {
      if (hit) { return hit; }
      if (fallback) { return caches.match(fallback, {ignoreVary: true}); }
      return new Response(JSON.stringify({code: "offline", message: "离线", field: null}),
        {status: 503, headers: {"Content-Type": "application/json"}});
    });
  });
}

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }
  if (req.mode === "navigate" && url.pathname.indexOf("/field/") === 0) {
    event.respondWith(networkFirst(req, SHELL, OFFLINE));
    return;
  }
  if (API_CACHED.some(function (p) { return url.pathname === p; })) {
    event.respondWith(networkFirst(req, DATA));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(req, {ignoreVary: true}).then(function (hit) {
      return hit || fetch(req).then(function (r) { return keep(SHELL, req, r); });
    }));
  }
});

self.addEventListener("message", function (event) {
  if (event.data === "clear") {
    caches.keys().then(function (names) { names.forEach(function (n) { caches.delete(n); }); });
  }
});
