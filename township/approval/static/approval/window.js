/* 综合窗口工作台: item type-ahead, 一件事 in one click, materials pre-attached from the library, the queue call.
   No dependency; the page works without it (plain form posts), this makes it keyboard-first. */
(function () {
  "use strict";
  var texts = (document.getElementById("t-texts") || { dataset: {} }).dataset;
  var form = document.getElementById("file-form");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- the queue: call the next ticket without leaving the page ----
  var callForm = document.getElementById("call-form");
  if (callForm && window.fetch) {
    callForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      fetch(callForm.action, {
        method: "POST", body: new FormData(callForm), credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (r) { return r.json(); }).then(function (data) {
        var box = document.getElementById("ticket");
        box.textContent = "";
        box.appendChild(el("strong", {}, data.message || (data.error && data.error.message) || texts.error));
        var id = document.getElementById("id");
        if (id && !form) id.focus();
      }).catch(function () { callForm.submit(); });
    });
  }

  var printLink = document.querySelector("#done a[data-print]");
  if (printLink) printLink.focus();
  if (!form) return;

  var items = document.getElementById("items");
  var query = document.getElementById("item-q");
  var themeInput = document.getElementById("theme");
  var materials = document.getElementById("materials");
  var btnFile = document.getElementById("btn-file");
  var btnGap = document.getElementById("btn-gap");
  var btnNotice = document.getElementById("btn-notice");
  var state = document.getElementById("file-state");
  var plan = null;
  var searchSeq = 0;
  var pending = null;

  function labels() { return Array.prototype.slice.call(items.querySelectorAll("label[data-item]")); }
  function chosen() {
    return labels().filter(function (l) { return l.querySelector("input").checked; })
      .map(function (l) { return l.getAttribute("data-item"); });
  }
  function itemLabel(item) {
    var label = items.querySelector('label[data-item="' + item.id + '"]');
    if (label) return label;
    label = el("label", { "data-item": String(item.id) });
    var box = el("input", { type: "checkbox", name: "items", value: String(item.id) });
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + item.name + " "));
    label.appendChild(el("small", {}, [item.code, item.promised].filter(Boolean).join(" · ")));
    items.appendChild(label);
    return label;
  }

  // ---- type-ahead: name, code, pinyin initials (the catalog's search), only what this desk files ----
  function search(q) {
    var seq = ++searchSeq;
    pending = fetch(form.dataset.itemsUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (seq !== searchSeq) return;
        labels().forEach(function (l) { if (!l.querySelector("input").checked) l.remove(); });
        var empty = items.querySelector(".wd-empty");
        if (empty) empty.remove();
        (data.results || []).forEach(itemLabel);
        if (!(data.results || []).length) items.appendChild(el("span", { "class": "muted wd-empty" }, texts.none));
      }).catch(function () { state.textContent = texts.error; });
    return pending;
  }
  var timer = null;
  query.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(query.value.trim()); }, 120);
  });
  query.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { query.value = ""; search(""); return; }
    if (ev.key !== "Enter") return;
    ev.preventDefault();
    clearTimeout(timer);
    search(query.value.trim()).then(function () {
      var first = labels().filter(function (l) { return !l.querySelector("input").checked; })[0];
      if (first && query.value.trim()) {
        first.querySelector("input").checked = true;
        changed();
      }
      query.value = "";
    });
  });

  // ---- 一件事: one click picks the theme's items (and only them) ----
  Array.prototype.forEach.call(document.querySelectorAll(".theme-btn"), function (btn) {
    btn.addEventListener("click", function () {
      var ids = btn.dataset.items.split(",");
      var names = btn.dataset.names.split("|");
      labels().forEach(function (l) { l.querySelector("input").checked = false; });
      ids.forEach(function (id, i) { itemLabel({ id: id, name: names[i] }).querySelector("input").checked = true; });
      themeInput.value = btn.dataset.theme;
      changed(true);
    });
  });
  items.addEventListener("change", function () { changed(); });

  function changed(fromTheme) {
    var ids = chosen();
    labels().forEach(function (l) { l.classList.toggle("on", l.querySelector("input").checked); });
    if (!fromTheme && themeInput.value) {
      var btn = document.querySelector('.theme-btn[data-theme="' + themeInput.value + '"]');
      var want = btn ? btn.dataset.items.split(",").sort().join(",") : "";
      if (want !== ids.slice().sort().join(",")) themeInput.value = "";
    }
    Array.prototype.forEach.call(document.querySelectorAll(".theme-btn"), function (b) {
      b.classList.toggle("secondary", b.dataset.theme !== themeInput.value);
    });
    loadMaterials(ids);
  }

  // ---- materials: the library's pre-attached, the rest checked on paper or uploaded ----
  var matSeq = 0;
  function loadMaterials(ids) {
    var seq = ++matSeq;
    if (!ids.length) { plan = null; materials.textContent = texts.choose; update(); return; }
    var url = form.dataset.materialsUrl + "?subject=" + form.dataset.subject + "&items=" + ids.join(",");
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      if (seq !== matSeq) return;
      if (data.error) { materials.textContent = data.error.message; plan = null; update(); return; }
      plan = data;
      render();
    }).catch(function () { materials.textContent = texts.error; });
  }
  function render() {
    var table = el("table", { "class": "table", id: "material-table" });
    var head = el("tr");
    [texts.material, "", texts.source].forEach(function (t) { head.appendChild(el("th", {}, t)); });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    plan.materials.forEach(function (m) {
      var tr = el("tr", { "data-code": m.code });
      tr.appendChild(el("td", {}, m.name));
      var tags = el("td");
      tags.appendChild(el("span", { "class": "tag" + (m.essential ? " red" : "") }, m.essential ? texts.essential : texts.optional));
      if (m.gap_allowed) tags.appendChild(el("span", { "class": "tag" }, texts.gap));
      tr.appendChild(tags);
      var src = el("td");
      if (m.library) {
        src.appendChild(el("span", { "class": "tag normal" }, "✓ " + texts.library));
        src.appendChild(document.createTextNode(" " + m.library_title));
      } else {
        var paper = el("label", { "class": "wd-paper" });
        paper.appendChild(el("input", { type: "checkbox", name: "paper", value: m.code }));
        paper.appendChild(document.createTextNode(" " + texts.paper + " "));
        src.appendChild(paper);
        var up = el("label", { "class": "btn secondary small wd-upload" }, texts.upload);
        up.appendChild(el("input", { type: "file", name: "m_" + m.code, "aria-label": m.name, hidden: "" }));
        src.appendChild(up);
        src.appendChild(el("span", { "class": "muted wd-chosen" }));
      }
      tr.appendChild(src);
      body.appendChild(tr);
    });
    materials.textContent = "";
    materials.appendChild(table);
    update();
  }
  materials.addEventListener("change", function (ev) {
    if (ev.target.type === "file") {
      var shown = ev.target.closest("td").querySelector(".wd-chosen");
      shown.textContent = ev.target.files.length ? " " + ev.target.files[0].name : "";
    }
    update();
  });

  function provided(m) {
    if (m.library) return true;
    var row = materials.querySelector('tr[data-code="' + m.code + '"]');
    if (!row) return false;
    var paper = row.querySelector("input[name=paper]");
    var file = row.querySelector("input[type=file]");
    return (paper && paper.checked) || (file && file.files && file.files.length > 0);
  }
  function update() {
    if (!plan) {
      btnFile.textContent = texts.accept; btnGap.hidden = true; btnNotice.hidden = true; state.textContent = "";
      return;
    }
    var missing = plan.materials.filter(function (m) { return m.essential && !provided(m); });
    var gapMissing = plan.materials.filter(function (m) { return m.gap_allowed && !provided(m); });
    var complete = missing.length === 0;
    btnFile.textContent = complete ? texts.accept : texts.fileOnly;
    btnNotice.hidden = complete;
    btnGap.hidden = !(plan.gap_eligible && complete && gapMissing.length > 0);
    state.textContent = complete ? texts.complete : texts.incomplete + missing.map(function (m) { return m.name; }).join("、");
  }

  if (chosen().length) changed();
  query.focus();
})();
