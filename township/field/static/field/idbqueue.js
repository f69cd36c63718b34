/* A small IndexedDB outbox for the field app: reports and evidence (with their photo/video Blobs) wait here until
   they are sent. Each item carries a client-generated idempotency key (its primary key), so sending it twice is
   harmless: the server answers the first result again. No library: IndexedDB's own API, wrapped in promises. */
(function (global) {
  "use strict";
  var DB = "township-field", STORE = "outbox", VERSION = 1;
  var opening = null;

  function open() {
    if (opening) { return opening; }
    opening = new Promise(function (resolve, reject) {
      var req = global.indexedDB.open(DB, VERSION);
      req.onupgradeneeded = function () {
        var db = req.result;
        if (!db.objectStoreNames.contains(STORE)) {
          db.createObjectStore(STORE, {keyPath: "key"}).createIndex("created", "created");
        }
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { opening = null; reject(req.error); };
    });
    return opening;
  }

  function tx(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), store = t.objectStore(STORE), out;
        var r = fn(store);
        if (r) { r.onsuccess = function () { out = r.result; }; }
        t.oncomplete = function () { resolve(out); };
        t.onerror = t.onabort = function () { reject(t.error); };
      });
    });
  }

  function newKey() {
    if (global.crypto && global.crypto.randomUUID) { return global.crypto.randomUUID(); }
    var a = new Uint8Array(16); global.crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  global.FieldQueue = {
    newKey: newKey,
    put: function (item) {
      item.key = item.key || newKey();
      item.created = item.created || new Date().toISOString();
      return tx("readwrite", function (s) { return s.put(item); }).then(function () { return item; });
    },
    all: function () {
      return tx("readonly", function (s) { return s.index("created").getAll(); }).then(function (rows) { return rows || []; });
    },
    remove: function (key) { return tx("readwrite", function (s) { return s.delete(key); }); },
    count: function () { return tx("readonly", function (s) { return s.count(); }); }
  };
})(window);
