// Keeps the transcript in step with the audio: the sentence being spoken is
// highlighted, a click on a sentence plays from there, and ?t=93 starts at 1:33.
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

  function highlight() {
    var next = indexAt(audio.currentTime);
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

  var startAt = parseFloat(audio.closest(".player").dataset.startAt || "0");
  if (startAt > 0) {
    var jump = function () { audio.currentTime = startAt; highlight(); };
    if (audio.readyState >= 1) jump(); else audio.addEventListener("loadedmetadata", jump, { once: true });
  }
})();
