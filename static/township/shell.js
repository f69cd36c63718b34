/* Township shell (templates/base.html): menu toggle, page tabs, dialog forms, searchable selects, unit-tree filter.
   No strings of its own: labels come from the #shell-config JSON (gettext, township.web.templatetags.township). */
(function () {
  "use strict";
  var cfgNode = document.getElementById("shell-config");
  var cfg = cfgNode ? JSON.parse(cfgNode.textContent) : {};

  function on(root, event, selector, fn) {
    root.addEventListener(event, function (e) {
      var el = e.target.closest ? e.target.closest(selector) : null;
      if (el && root.contains(el)) fn(e, el);
    });
  }

  /* ---- menu (mobile slide-in) and small behaviours without inline handlers ---- */
  on(document, "click", "[data-shell=toggle-nav]", function (e, el) {
    var open = document.body.classList.toggle("nav-open");
    el.setAttribute("aria-expanded", open ? "true" : "false");
  });
  on(document, "click", "[data-shell=close-nav]", function () { document.body.classList.remove("nav-open"); });
  on(document, "change", "[data-shell=submit-on-change]", function (e, el) { el.form.submit(); });

  /* ---- page tabs (RuoYi's TagsView): pages opened this session, in sessionStorage ---- */
  var TABS_KEY = "township.tabs";
  var MAX_TABS = 12;

  function pageTitle() {
    var crumb = document.querySelector(".crumbs .breadcrumb-item.active");
    var title = crumb ? crumb.textContent.trim() : "";
    if (!title) title = document.title.replace(cfg.siteSuffix || "", "").trim();
    return title;
  }
  function readTabs() {
    try { return JSON.parse(sessionStorage.getItem(TABS_KEY) || "[]"); } catch (err) { return []; }
  }
  function writeTabs(tabs) {
    try { sessionStorage.setItem(TABS_KEY, JSON.stringify(tabs)); } catch (err) { /* storage full or blocked */ }
  }
  function renderTabs() {
    var bar = document.getElementById("tags-view");
    if (!bar) return;
    var here = location.pathname;
    var tabs = readTabs().filter(function (t) { return t.path !== "/"; });
    var found = tabs.find(function (t) { return t.path === here; });
    if (here !== "/" && document.body.dataset.noTab === undefined) {
      if (found) { found.url = location.pathname + location.search; found.title = pageTitle() || found.title; }
      else { tabs.push({ path: here, url: location.pathname + location.search, title: pageTitle() }); }
    }
    while (tabs.length > MAX_TABS) {
      var drop = tabs.findIndex(function (t) { return t.path !== here; });
      tabs.splice(drop < 0 ? 0 : drop, 1);
    }
    writeTabs(tabs);
    var list = bar.querySelector(".tags-list");
    list.textContent = "";
    [{ path: "/", url: "/", title: cfg.home || "/", pinned: true }].concat(tabs).forEach(function (t) {
      var li = document.createElement("li");
      li.className = "tag-item" + (t.path === here ? " current" : "");
      li.dataset.path = t.path;
      var a = document.createElement("a");
      a.href = t.url;
      a.textContent = t.title || t.path;
      if (t.path === here) a.setAttribute("aria-current", "page");
      li.appendChild(a);
      if (!t.pinned) {
        var x = document.createElement("button");
        x.type = "button";
        x.className = "tag-close";
        x.dataset.shell = "close-tab";
        x.setAttribute("aria-label", (cfg.close || "×") + " " + (t.title || ""));
        x.textContent = "×";
        li.appendChild(x);
      }
      list.appendChild(li);
    });
    bar.hidden = false;
    var current = list.querySelector(".current");
    if (current && current.scrollIntoView) current.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
  on(document, "click", "[data-shell=close-tab]", function (e, el) {
    e.preventDefault();
    var path = el.parentNode.dataset.path;
    var tabs = readTabs();
    var i = tabs.findIndex(function (t) { return t.path === path; });
    if (i >= 0) tabs.splice(i, 1);
    writeTabs(tabs);
    if (path === location.pathname) {
      var next = tabs[Math.min(i, tabs.length - 1)];
      location.href = next ? next.url : "/";
    } else {
      el.parentNode.remove();
    }
  });
  on(document, "click", "[data-shell=close-other-tabs]", function () {
    writeTabs(readTabs().filter(function (t) { return t.path === location.pathname; }));
    renderTabs();
  });

  /* ---- dialog forms: <a href="/page/" data-dialog="#form-id" data-dialog-title="…"> ---- */
  var modal = null;
  function dialogParts() {
    var el = document.getElementById("shell-dialog");
    if (!el || !window.bootstrap) return null;
    if (!modal) modal = window.bootstrap.Modal.getOrCreateInstance(el);
    return { el: el, body: document.getElementById("shell-dialog-body"), title: document.getElementById("shell-dialog-title") };
  }
  function pick(html, selector) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    return { doc: doc, node: selector ? doc.querySelector(selector) : doc.querySelector("main form") };
  }
  function hasErrors(node) {
    return !!(node && node.querySelector(".errorlist, .alert.error, .has-error, .invalid-feedback"));
  }
  function showInDialog(parts, node, selector, source) {
    parts.body.textContent = "";
    if (!node) { parts.body.textContent = cfg.failed || ""; return; }
    var copy = document.importNode(node, true);
    copy.hidden = false;
    copy.removeAttribute("data-dialog-source");
    parts.body.appendChild(copy);
    var form = parts.body.querySelector("form");
    if (form) {
      form.dataset.dialogSelector = selector || "";
      if (!form.getAttribute("action")) form.setAttribute("action", source);
    }
    enhanceSelects(parts.body);
    var first = parts.body.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  }
  function openDialog(url, selector, title) {
    var parts = dialogParts();
    if (!parts) { location.href = url; return; }
    parts.title.textContent = title || "";
    parts.body.textContent = cfg.loading || "";
    modal.show();
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { return r.text(); })
      .then(function (html) { showInDialog(parts, pick(html, selector).node, selector, url); })
      .catch(function () { parts.body.textContent = cfg.failed || ""; });
  }
  on(document, "click", "[data-dialog]", function (e, el) {
    if (e.ctrlKey || e.metaKey || e.shiftKey) return; // a new tab keeps the plain page
    if (!window.bootstrap) return; // no script: follow the link to the page's own form
    e.preventDefault();
    openDialog(el.getAttribute("href") || el.dataset.url, el.dataset.dialog, el.dataset.dialogTitle || el.textContent.trim());
  });
  on(document, "submit", "#shell-dialog form", function (e, form) {
    e.preventDefault();
    var parts = dialogParts();
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    var method = (form.getAttribute("method") || "get").toUpperCase();
    var action = form.getAttribute("action") || location.href;
    var data = new FormData(form);
    if (e.submitter && e.submitter.name) data.append(e.submitter.name, e.submitter.value);
    var init = { method: method, credentials: "same-origin", headers: { "HX-Request": "true" } };
    if (method === "GET") { action += (action.indexOf("?") < 0 ? "?" : "&") + new URLSearchParams(data).toString(); }
    else { init.body = data; }
    fetch(action, init).then(function (r) {
      return r.text().then(function (html) { return { r: r, html: html }; });
    }).then(function (res) {
      var found = pick(res.html, form.dataset.dialogSelector);
      if (!res.r.redirected && (res.r.status >= 400 || hasErrors(found.node))) {
        showInDialog(parts, found.node || found.doc.querySelector("main"), form.dataset.dialogSelector, action);
        return;
      }
      modal.hide();
      if (res.r.redirected || method === "GET") { location.href = res.r.url; return; }
      var main = found.doc.querySelector("main.content");
      var here = document.querySelector("main.content");
      if (main && here) { here.replaceWith(document.importNode(main, true)); enhanceSelects(document); hideDialogSources(); }
      else { location.reload(); }
    }).catch(function () {
      if (button) button.disabled = false;
      parts.body.insertAdjacentHTML("afterbegin", '<div class="alert error" role="alert"></div>');
      parts.body.firstChild.textContent = cfg.failed || "";
    });
  });

  /* A form a dialog link opens (data-dialog-source) stays in the page for browsers without script and is hidden
     otherwise, unless it shows errors. */
  function hideDialogSources(root) {
    (root || document).querySelectorAll("[data-dialog-source]").forEach(function (el) {
      if (!hasErrors(el) && window.bootstrap) el.hidden = true;
    });
  }

  /* ---- searchable selects: Tom Select on <select data-search> and on any select with more than 15 options ---- */
  var tomLoading = null;
  function loadTomSelect() {
    if (window.TomSelect) return Promise.resolve();
    if (tomLoading) return tomLoading;
    tomLoading = new Promise(function (resolve, reject) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = cfg.tomSelectCss;
      document.head.appendChild(css);
      var s = document.createElement("script");
      s.src = cfg.tomSelectJs;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
    return tomLoading;
  }
  function wantsSearch(sel) {
    if (sel.tomselect || sel.dataset.search === "off" || sel.closest("[data-no-search]")) return false;
    if (sel.name === "language" || sel.dataset.shell === "submit-on-change") return false;
    return sel.hasAttribute("data-search") || sel.options.length > 15;
  }
  function enhanceSelects(root) {
    var selects = Array.prototype.filter.call((root || document).querySelectorAll("select"), wantsSearch);
    if (!selects.length || !cfg.tomSelectJs) return;
    loadTomSelect().then(function () {
      selects.forEach(function (sel) {
        if (sel.tomselect) return;
        /* global TomSelect */
        new TomSelect(sel, {
          maxOptions: 500,
          allowEmptyOption: true,
          create: false,
          searchField: ["text", "value"],
          render: {
            no_results: function () {
              var d = document.createElement("div");
              d.className = "no-results";
              d.textContent = cfg.noResults || "";
              return d;
            }
          }
        });
      });
    }).catch(function () { /* the plain select still works */ });
  }
  window.townshipShell = { enhanceSelects: enhanceSelects, openDialog: openDialog, renderTabs: renderTabs };
  document.addEventListener("htmx:afterSwap", function (e) { enhanceSelects(e.target); });

  /* ---- unit tree: the filter box hides units whose name does not match ---- */
  on(document, "input", "[data-shell=filter-tree]", function (e, input) {
    var q = input.value.trim();
    var tree = input.closest(".unit-tree");
    tree.querySelectorAll(".tree-node").forEach(function (li) {
      var match = !q || (li.dataset.name || "").indexOf(q) >= 0 || li.querySelector('[data-name*="' + (window.CSS && CSS.escape ? CSS.escape(q) : q.replace(/["\\\]]/g, "")) + '"]');
      li.hidden = !match;
      if (q && match) { var d = li.querySelector("details"); if (d) d.open = true; }
    });
  });

  function ready() { renderTabs(); enhanceSelects(document); hideDialogSources(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready); else ready();
})();
