// Keeps the transcript in step with the audio: the sentence being spoken is
// highlighted, a click on a sentence plays from there, and ?t=93 starts at 1:33.
// Deep links keep their fraction (?t=5.68, or #t=5.68 / #t=npt:1:05.3 as in W3C Media
// Fragments): the sentence containing that instant is marked and scrolled into view.
(function () {
  "use strict";
  var audio = document.getElementById("player");
  var list = document.getElementById("transcript");
  if (!audio) return;
  var items = list ? Array.prototype.slice.call(list.querySelectorAll("li[data-start]")) : [];
  var starts = items.map(function (li) { return parseFloat(li.dataset.start); });
  var ends = items.map(function (li) { return parseFloat(li.dataset.end); });
  var current = -1;

  function indexAt(time) {
    // Last segment starting at or before `time` (segments are in order).
    var lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= time) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found >= 0 && time <= ends[found] + 0.5 ? found : -1;
  }

  function highlight(at) {
    var next = indexAt(typeof at === "number" ? at : audio.currentTime);
    if (next === current) return;
    if (current >= 0) { items[current].classList.remove("current"); items[current].removeAttribute("aria-current"); }
    current = next;
    if (current >= 0) {
      items[current].classList.add("current");
      items[current].setAttribute("aria-current", "true");
      if (!audio.paused) items[current].scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  function seek(seconds) {
    audio.currentTime = seconds;
    highlight();
    var playing = audio.play();
    if (playing && playing.catch) playing.catch(function () {});
  }

  audio.addEventListener("timeupdate", highlight);
  audio.addEventListener("seeked", highlight);
  items.forEach(function (li, i) {
    li.tabIndex = 0;
    li.addEventListener("click", function (event) { event.preventDefault(); seek(starts[i]); });
    li.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); seek(starts[i]); }
    });
  });

  function fragmentTime(hash) {
    // "#t=5.68", "#t=npt:5.68,9", "#t=1:05.3": the start, in seconds; NaN when absent.
    var match = /(?:^#|&)t=(?:npt:)?([0-9:.]+)/.exec(hash || "");
    if (!match) return NaN;
    return match[1].split(":").reduce(function (total, part) { return total * 60 + parseFloat(part); }, 0);
  }

  function land(seconds) {
    if (!(seconds > 0) || !isFinite(seconds)) return;
    // Mark the sentence at once (before the audio has loaded) and bring it into view.
    highlight(seconds);
    if (current >= 0) items[current].scrollIntoView({ block: "center" });
    var jump = function () { audio.currentTime = seconds; };
    if (audio.readyState >= 1) jump(); else audio.addEventListener("loadedmetadata", jump, { once: true });
  }

  var fromHash = fragmentTime(window.location.hash);
  land(isNaN(fromHash) ? parseFloat(audio.closest(".player").dataset.startAt || "0") : fromHash);
  window.addEventListener("hashchange", function () { land(fragmentTime(window.location.hash)); });
})();
