/* The camera page: HLS in the browser's own <video> (natively, or with hls.js from npm where the browser has no
   native HLS — nothing is downloaded at run time), 抓拍为证据 from the player canvas, and the video-call button. */
(function () {
  "use strict";
  var video = document.getElementById("cam-video");
  var T = (function () { var el = document.getElementById("camera-texts"); try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; } })();
  function t(key) { return T[key] || key; }
  var note = document.getElementById("cam-note");

  function play() {
    if (!video) { return; }
    var src = video.dataset.src;
    if (!src) { return; }
    if (video.dataset.kind === "webrtc") {
      note.textContent = t("webrtc").replace("%s", src);
      return;
    }
    video.addEventListener("error", function () { note.textContent = t("streamError"); });
    if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = src;
      return;
    }
    /* Only browsers without native HLS fetch hls.js (its light build, from our static files): the page itself
       stays small (issue 16: no page over 300 KB of JavaScript). */
    var script = document.createElement("script");
    script.src = video.dataset.hls;
    script.onload = function () {
      if (!(window.Hls && window.Hls.isSupported())) {
        note.textContent = t("noHls");
        return;
      }
      var hls = new window.Hls();
      hls.loadSource(src);
      hls.attachMedia(video);
      hls.on(window.Hls.Events.ERROR, function (_e, data) { if (data.fatal) { note.textContent = t("streamFatal").replace("%s", data.type); } });
    };
    script.onerror = function () { note.textContent = t("playerFailed"); };
    document.head.appendChild(script);
  }

  function frame() {
    /* The current frame as a JPEG blob, or null (nothing playing, or a cross-origin stream without CORS). */
    return new Promise(function (resolve) {
      if (!video || !video.videoWidth) { resolve(null); return; }
      var canvas = document.getElementById("cam-canvas");
      canvas.width = video.videoWidth; canvas.height = video.videoHeight;
      try {
        canvas.getContext("2d").drawImage(video, 0, 0);
        canvas.toBlob(function (blob) { resolve(blob); }, "image/jpeg", 0.92);
      } catch (e) { resolve(null); }
    });
  }

  var form = document.getElementById("snap-form");
  if (form) {
    /* The form goes to the page's own view (the target by its case number; the outcome, with the hash, as a
       message on the reloaded page), with the player's current frame instead of a chosen file when there is one. */
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var data = new FormData(form);
      frame().then(function (blob) {
        if (blob) { data.set("image", blob, "snapshot.jpg"); }
        else if (form.image && !form.image.files.length) { data.delete("image"); }
        return fetch(form.action, {method: "POST", body: data, credentials: "same-origin", redirect: "manual"});
      }).then(function () { window.location.href = window.location.pathname; })
        .catch(function () { form.submit(); });
    });
  }

  var call = document.getElementById("call-button");
  if (call) {
    call.addEventListener("click", function () {
      var officer = document.getElementById("call-officer").value;
      var out = document.getElementById("call-result");
      fetch("/api/v1/cameras/call?officer=" + encodeURIComponent(officer) + "&jurisdiction=" + encodeURIComponent(call.dataset.town),
            {credentials: "same-origin"})
        .then(function (r) { return r.json().then(function (b) { return [r.ok, b]; }); })
        .then(function (res) {
          if (!res[0]) { out.textContent = res[1].message || t("callFailed"); return; }
          out.innerHTML = "";
          var a = document.createElement("a");
          a.href = res[1].url; a.target = "_blank"; a.rel = "noopener"; a.textContent = t("callWith").replace("%(name)s", res[1].officer_name).replace("%(url)s", res[1].url);
          out.appendChild(a);
          window.open(res[1].url, "_blank", "noopener");
        });
    });
  }
  play();
})();
