// Transcript editor: correct, split, merge and mark segments while listening.
// The whole list is saved at once with the revision it was based on, so two
// people can never silently overwrite each other.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("te-data").textContent);
  var t = JSON.parse(document.getElementById("te-strings").textContent);
  var audio = document.getElementById("te-audio");
  var list = document.getElementById("te-segments");
  var message = document.getElementById("te-message");
  var segments = data.segments.map(function (s) { return Object.assign({}, s); });
  var revision = data.revision;
  var current = 0;
  var stopAt = null;
  var dirty = false;

  function csrf() {
    var match = document.cookie.match(/csrftoken=([^;]+)/);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return match ? match[1] : (input ? input.value : "");
  }
  function clock(seconds) {
    var s = Math.floor(seconds), m = Math.floor(s / 60);
    return m + ":" + String(s % 60).padStart(2, "0") + "." + Math.floor((seconds % 1) * 10);
  }
  function say(text, state) { message.textContent = text; message.className = state ? "te-" + state : ""; }
  function markDirty() { dirty = true; say(t.unsaved, "unsaved"); }

  function render() {
    list.innerHTML = "";
    if (!segments.length) { list.innerHTML = "<li>" + t.empty + "</li>"; return; }
    segments.forEach(function (s, i) {
      var li = document.createElement("li");
      li.className = "te-seg" + (s.reviewed ? " reviewed" : "") + (s.low_confidence && !s.reviewed ? " unsure" : "");
      li.dataset.index = i;
      li.dataset.start = s.start;
      li.dataset.end = s.end;
      li.innerHTML =
        '<div class="te-time"><button type="button" class="button button-small" data-act="play" aria-label="' + t.play + '">▶</button>' +
        clock(s.start) + "–" + clock(s.end) + "</div>" +
        '<textarea rows="1" aria-label="' + (i + 1) + '"></textarea>' +
        '<div class="te-tools">' +
        '<label><input type="checkbox" data-field="reviewed"> ' + t.reviewed + "</label>" +
        '<label>' + t.speaker + ' <input type="text" data-field="speaker"></label>' +
        '<button type="button" class="button button-small button-secondary" data-act="split">' + t.split + "</button>" +
        '<button type="button" class="button button-small button-secondary" data-act="merge">' + t.merge + "</button>" +
        '<button type="button" class="button button-small button-secondary no" data-act="remove">' + t.remove + "</button>" +
        (s.low_confidence && !s.reviewed ? " <span>⚠ " + t.unsure + "</span>" : "") +
        "</div>";
      li.querySelector("textarea").value = s.text;
      li.querySelector("[data-field=speaker]").value = s.speaker || "";
      li.querySelector("[data-field=reviewed]").checked = !!s.reviewed;
      list.appendChild(li);
    });
    highlight(current);
  }

  function row(i) { return list.querySelector('li[data-index="' + i + '"]'); }
  function highlight(i) {
    list.querySelectorAll(".te-seg.current").forEach(function (li) { li.classList.remove("current"); });
    if (row(i)) row(i).classList.add("current");
  }
  function focus(i) {
    current = Math.max(0, Math.min(segments.length - 1, i));
    highlight(current);
    var area = row(current) && row(current).querySelector("textarea");
    if (area) { area.focus(); area.scrollIntoView({ block: "center" }); }
  }
  function play(i) {
    var s = segments[i];
    if (!s) return;
    audio.currentTime = s.start;
    stopAt = s.end;
    var p = audio.play();
    if (p && p.catch) p.catch(function () {});
  }
  function split(i, at) {
    var s = segments[i];
    if (at <= 0 || at >= s.text.length) return;
    var cut = s.start + (s.end - s.start) * (at / s.text.length);
    var second = Object.assign({}, s, { start: cut, text: s.text.slice(at).trim(), reviewed: false });
    s.end = cut; s.text = s.text.slice(0, at).trim();
    segments.splice(i + 1, 0, second);
    markDirty(); render(); focus(i + 1);
  }
  function merge(i) {
    var s = segments[i], next = segments[i + 1];
    if (!next) return;
    s.text = s.text + next.text; s.end = next.end; s.reviewed = false;
    s.low_confidence = s.low_confidence || next.low_confidence;
    segments.splice(i + 1, 1);
    markDirty(); render(); focus(i);
  }

  list.addEventListener("input", function (event) {
    var li = event.target.closest(".te-seg"), i = +li.dataset.index;
    if (event.target.tagName === "TEXTAREA") segments[i].text = event.target.value;
    else if (event.target.dataset.field === "speaker") segments[i].speaker = event.target.value;
    markDirty();
  });
  list.addEventListener("change", function (event) {
    if (event.target.dataset.field !== "reviewed") return;
    var i = +event.target.closest(".te-seg").dataset.index;
    segments[i].reviewed = event.target.checked;
    row(i).classList.toggle("reviewed", event.target.checked);
    // A reviewed sentence is no longer one to check: the uncertain mark goes with the tick.
    row(i).classList.toggle("unsure", !event.target.checked && !!segments[i].low_confidence);
    markDirty();
  });
  list.addEventListener("focusin", function (event) {
    var li = event.target.closest(".te-seg");
    if (li) { current = +li.dataset.index; highlight(current); }
  });
  list.addEventListener("click", function (event) {
    var act = event.target.dataset.act;
    if (!act) return;
    var i = +event.target.closest(".te-seg").dataset.index;
    if (act === "play") play(i);
    if (act === "split") split(i, row(i).querySelector("textarea").selectionStart);
    if (act === "merge") merge(i);
    if (act === "remove") { segments.splice(i, 1); markDirty(); render(); focus(i); }
  });

  document.addEventListener("keydown", function (event) {
    var key = event.key.toLowerCase();
    if ((event.ctrlKey || event.metaKey) && key === "s") { event.preventDefault(); save(); return; }
    if ((event.ctrlKey || event.metaKey) && key === "enter") {
      event.preventDefault();
      if (segments[current]) { segments[current].reviewed = true; markDirty(); render(); focus(current + 1); }
      return;
    }
    if (!event.altKey) return;
    if (key === "arrowdown") { event.preventDefault(); focus(current + 1); }
    else if (key === "arrowup") { event.preventDefault(); focus(current - 1); }
    else if (key === "p") { event.preventDefault(); play(current); }
    else if (key === "m") { event.preventDefault(); merge(current); }
    else if (key === "s") {
      event.preventDefault();
      var area = row(current) && row(current).querySelector("textarea");
      if (area) split(current, area.selectionStart);
    }
  });

  audio.addEventListener("timeupdate", function () {
    if (stopAt !== null && audio.currentTime >= stopAt) { audio.pause(); stopAt = null; }
    for (var i = 0; i < segments.length; i++) {
      if (audio.currentTime >= segments[i].start && audio.currentTime <= segments[i].end) { highlight(i); break; }
    }
  });

  function save() {
    say("…", "");
    return fetch(data.urls.save, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ revision: revision, segments: segments }),
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { say(body.zh, "unsaved"); return; }
        revision = body.revision; dirty = false; say(t.saved, "saved");
      });
    });
  }
  document.getElementById("te-save").addEventListener("click", save);
  window.addEventListener("beforeunload", function (event) { if (dirty) { event.preventDefault(); event.returnValue = ""; } });

  function drawWaveform() {
    var canvas = document.getElementById("te-waveform"), peaks = data.waveform || [];
    canvas.width = canvas.clientWidth * (window.devicePixelRatio || 1);
    var ctx = canvas.getContext("2d"), w = canvas.width / Math.max(peaks.length, 1), h = canvas.height;
    ctx.fillStyle = "#b3261e";
    peaks.forEach(function (p, i) { ctx.fillRect(i * w, (h - p * h) / 2, Math.max(w - 1, 1), Math.max(p * h, 1)); });
    canvas.onclick = function (event) {
      audio.currentTime = data.duration * (event.offsetX / canvas.clientWidth);
    };
  }

  function showJob(job) {
    var box = document.getElementById("te-job");
    if (!job) { box.textContent = ""; return false; }
    box.innerHTML = "";
    box.append(job.engine + " · " + job.label + " ");
    if (job.status === "queued" || job.status === "running") {
      var bar = document.createElement("progress");
      bar.max = 100; bar.value = job.progress; bar.textContent = Math.round(job.progress) + "%";
      box.append(bar, " " + Math.round(job.progress) + "%");
      return true;
    }
    if (job.status === "failed") box.append(job.error);
    return false;
  }
  function poll() {
    fetch(data.urls.status).then(function (r) { return r.json(); }).then(function (body) {
      if (showJob(body.job)) setTimeout(poll, 2000);
      else if (body.job && body.job.status === "done" && !dirty) say(t.done, "");
    });
  }

  render();
  drawWaveform();
  if (showJob(data.job)) setTimeout(poll, 2000);
})();
