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

  // Word marks: the words the engine was unsure of, drawn behind the sentence's textarea.
  function unsureWords(s) {
    if (s.reviewed || !s.words) return [];
    return s.words.filter(function (w) {
      return w.probability < data.unsure && s.text.slice(w.at, w.at + w.text.length) === w.text;
    });
  }
  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }
  function drawMarks(i) {
    var s = segments[i], li = row(i);
    if (!li) return;
    var html = "", at = 0, marked = unsureWords(s);
    marked.forEach(function (w) {
      if (w.at < at) return;
      html += escapeHtml(s.text.slice(at, w.at)) + '<mark class="te-word">' + escapeHtml(w.text) + "</mark>";
      at = w.at + w.text.length;
    });
    // A trailing space keeps the backdrop as tall as the textarea when the text ends in a newline.
    li.querySelector(".te-marks").innerHTML = html + escapeHtml(s.text.slice(at)) + " ";
    li.querySelector(".te-sr").textContent = marked.length
      ? t.unsureWords + marked.map(function (w) { return w.text; }).join("、")
      : "";
  }
  // After an edit, words before the changed stretch stay, words after it move, words in it go.
  function moveWords(s, before, after) {
    if (!s.words || !s.words.length) return;
    var p = 0;
    while (p < before.length && p < after.length && before[p] === after[p]) p++;
    var q = 0;
    while (q < before.length - p && q < after.length - p && before[before.length - 1 - q] === after[after.length - 1 - q]) q++;
    var oldEnd = before.length - q, delta = after.length - before.length;
    function keep(a, e) { return e <= p || a >= oldEnd; }
    function move(n) { return n >= oldEnd ? n + delta : n; }
    s.words = s.words.filter(function (w) { return keep(w.at, w.at + w.text.length); }).map(function (w) {
      var copy = Object.assign({}, w, { at: move(w.at) });
      if (w.alternatives) {
        copy.alternatives = w.alternatives.filter(function (c) { return keep(c.at, c.end); })
          .map(function (c) { return { text: c.text, at: move(c.at), end: move(c.end) }; });
      }
      return copy;
    });
  }
  function cutWords(words, from, to, by) {
    return (words || []).filter(function (w) { return w.at >= from && w.at + w.text.length <= to; }).map(function (w) {
      var copy = Object.assign({}, w, { at: w.at - by });
      if (w.alternatives) {
        copy.alternatives = w.alternatives.filter(function (c) { return c.at >= from && c.end <= to; })
          .map(function (c) { return { text: c.text, at: c.at - by, end: c.end - by }; });
      }
      return copy;
    });
  }

  function render() {
    closeChoices();
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
        '<div class="te-text"><div class="te-marks" aria-hidden="true"></div>' +
        '<textarea rows="1" aria-label="' + (i + 1) + '" aria-describedby="te-sr-' + i + '"></textarea>' +
        '<span class="te-sr" id="te-sr-' + i + '"></span></div>' +
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
      drawMarks(i);
    });
    highlight(current);
  }

  // The alternatives of one unsure word, under its sentence; focus stays in the textarea.
  var choices = null;  // {i, word, options, active, box}
  function closeChoices() {
    if (!choices) return;
    choices.box.remove();
    var area = row(choices.i) && row(choices.i).querySelector("textarea");
    if (area) area.removeAttribute("aria-activedescendant");
    choices = null;
  }
  function wordAt(i, caret) {
    return unsureWords(segments[i]).filter(function (w) { return caret >= w.at && caret <= w.at + w.text.length; })[0];
  }
  function openChoices(i, word) {
    closeChoices();
    var li = row(i), area = li.querySelector("textarea");
    area.setSelectionRange(word.at, word.at + word.text.length);
    var options = word.alternatives || [];
    var box = document.createElement("ul");
    box.className = "te-choices";
    box.id = "te-choices";
    box.setAttribute("role", "listbox");
    box.setAttribute("aria-label", t.choices + "：" + word.text);
    if (!options.length) {
      box.innerHTML = '<li class="te-none">' + t.noChoices + "</li>";
    }
    options.forEach(function (c, n) {
      var item = document.createElement("li");
      item.id = "te-choice-" + n;
      item.setAttribute("role", "option");
      item.dataset.choice = n;
      item.dataset.at = c.at;
      item.dataset.end = c.end;
      var s = segments[i].text;
      item.innerHTML = "<b>" + escapeHtml(c.text) + "</b> <small>" + escapeHtml(s.slice(c.at, c.end)) + " → " + escapeHtml(c.text) + "</small>";
      box.appendChild(item);
    });
    li.querySelector(".te-text").appendChild(box);
    choices = { i: i, word: word, options: options, active: 0, box: box };
    markActive();
  }
  function markActive() {
    var area = row(choices.i).querySelector("textarea");
    choices.box.querySelectorAll("[role=option]").forEach(function (item, n) {
      item.setAttribute("aria-selected", n === choices.active ? "true" : "false");
    });
    if (choices.options.length) area.setAttribute("aria-activedescendant", "te-choice-" + choices.active);
  }
  function pick(n) {
    var i = choices.i, c = choices.options[n], s = segments[i];
    closeChoices();
    if (!c) return;
    var before = s.text, after = before.slice(0, c.at) + c.text + before.slice(c.end);
    s.text = after;
    moveWords(s, before, after);
    var area = row(i).querySelector("textarea");
    area.value = after;
    area.focus();
    area.setSelectionRange(c.at + c.text.length, c.at + c.text.length);
    drawMarks(i);
    markDirty();
  }
  function nextUnsure() {
    var area = row(current) && row(current).querySelector("textarea");
    var caret = area && document.activeElement === area ? area.selectionEnd : -1;
    for (var k = 0; k < segments.length; k++) {
      var i = current + k;
      if (i >= segments.length) break;
      var found = unsureWords(segments[i]).filter(function (w) { return k > 0 || w.at >= caret; })[0];
      if (found) { focus(i); openChoices(i, found); return true; }
    }
    return false;
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
    var rest = s.text.slice(at), lead = rest.length - rest.trimStart().length;
    var second = Object.assign({}, s, {
      start: cut, text: rest.trim(), reviewed: false, words: cutWords(s.words, at + lead, s.text.length, at + lead),
    });
    s.words = cutWords(s.words, 0, at, 0);
    s.end = cut; s.text = s.text.slice(0, at).trim();
    segments.splice(i + 1, 0, second);
    markDirty(); render(); focus(i + 1);
  }
  function merge(i) {
    var s = segments[i], next = segments[i + 1];
    if (!next) return;
    s.words = (s.words || []).concat(cutWords(next.words, 0, next.text.length, -s.text.length));
    s.text = s.text + next.text; s.end = next.end; s.reviewed = false;
    s.low_confidence = s.low_confidence || next.low_confidence;
    segments.splice(i + 1, 1);
    markDirty(); render(); focus(i);
  }

  list.addEventListener("input", function (event) {
    var li = event.target.closest(".te-seg"), i = +li.dataset.index;
    if (event.target.tagName === "TEXTAREA") {
      closeChoices();
      moveWords(segments[i], segments[i].text, event.target.value);
      segments[i].text = event.target.value;
      drawMarks(i);
    }
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
    drawMarks(i);
    markDirty();
  });
  list.addEventListener("focusin", function (event) {
    var li = event.target.closest(".te-seg");
    if (li) {
      if (choices && choices.i !== +li.dataset.index) closeChoices();
      current = +li.dataset.index; highlight(current);
    }
  });
  list.addEventListener("click", function (event) {
    var option = event.target.closest("[role=option]");
    if (option && choices) { pick(+option.dataset.choice); return; }
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
    if (choices) {
      var count = choices.options.length;
      if (key === "escape") { event.preventDefault(); closeChoices(); return; }
      if (key === "enter" && !event.ctrlKey && !event.altKey) { event.preventDefault(); pick(choices.active); return; }
      if ((key === "arrowdown" || key === "arrowup") && !event.altKey && count) {
        event.preventDefault();
        choices.active = (choices.active + (key === "arrowdown" ? 1 : count - 1)) % count;
        markActive();
        return;
      }
    }
    if ((event.ctrlKey || event.metaKey) && key === "s") { event.preventDefault(); save(); return; }
    if ((event.ctrlKey || event.metaKey) && key === "enter") {
      event.preventDefault();
      if (segments[current]) { segments[current].reviewed = true; markDirty(); render(); focus(current + 1); }
      return;
    }
    if (!event.altKey) return;
    if (key === "n") { event.preventDefault(); nextUnsure(); }
    else if (key === "arrowdown") {
      event.preventDefault();
      // On a marked word Alt+↓ opens its alternatives (as in a combo box); elsewhere, the next sentence.
      var area = row(current) && row(current).querySelector("textarea");
      var word = area && document.activeElement === area && wordAt(current, area.selectionStart);
      if (word && !choices) openChoices(current, word);
      else { closeChoices(); focus(current + 1); }
    }
    else if (key === "arrowup") { event.preventDefault(); closeChoices(); focus(current - 1); }
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
