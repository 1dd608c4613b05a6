// Live transcription progress in a list: every element with data-progress-of="<recording id>"
// is kept up to date by polling one JSON endpoint (the script tag's data-url) for all the
// recordings still queued or running, until each is finished. Used by the station's
// 我的录音 and by the recording list in the admin (whose status cells are found by
// their text, as Wagtail's listing marks no column).
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.dataset.url;
  if (!url) return;
  var RUNNING = /^\s*(排队中|转写中)\s*\d+%\s*$/;
  var EVERY = 2000;

  // The admin's recording list: the row's edit link names the recording. Asked again at each
  // poll, as the admin redraws the rows when the list is searched or sorted.
  function mark() {
    Array.prototype.forEach.call(document.querySelectorAll("table.listing tbody tr"), function (row) {
      var link = row.querySelector("a[href*='/snippets/media/audiorecording/edit/']");
      var match = link && link.getAttribute("href").match(/\/edit\/(\d+)\//);
      if (!match) return;
      Array.prototype.forEach.call(row.querySelectorAll("td"), function (cell) {
        if (!cell.dataset.progressOf && RUNNING.test(cell.textContent)) cell.dataset.progressOf = match[1];
      });
    });
  }

  function waiting() {
    return Array.prototype.filter.call(document.querySelectorAll("[data-progress-of]"), function (el) {
      return el.dataset.finished !== "true";
    });
  }

  function show(el, item) {
    var text = el.querySelector("[data-progress-text]") || el;
    text.textContent = item.text;
    var bar = el.querySelector("progress");
    if (bar && item.job) bar.value = item.job.progress;
    if (bar && item.finished) bar.hidden = true;
    el.dataset.status = item.job ? item.job.status : "";
    if (!item.finished) return;
    el.dataset.finished = "true";
    var review = el.querySelector("a[data-review]");
    if (review && item.review && item.job && item.job.status === "done") { review.href = item.review; review.hidden = false; }
  }

  function poll() {
    mark();
    var els = waiting();
    if (!els.length) return;
    var ids = els.map(function (el) { return "id=" + encodeURIComponent(el.dataset.progressOf); });
    fetch(url + "?" + ids.join("&"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { recordings: [] }; })
      .then(function (data) {
        var byId = {};
        data.recordings.forEach(function (item) { byId[item.id] = item; });
        els.forEach(function (el) { if (byId[el.dataset.progressOf]) show(el, byId[el.dataset.progressOf]); });
      })
      .catch(function () { /* offline for a moment: ask again next time */ })
      .then(function () { setTimeout(poll, EVERY); });
  }
  mark();
  if (waiting().length) setTimeout(poll, EVERY);
})();
