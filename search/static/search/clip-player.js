// Plays one sentence of a search hit in place: the time beside a sentence is a link to
// the story at that second (it still works without JavaScript); here it becomes a
// play/pause button for the clip from the sentence's start to its end. The audio comes
// from the same gated URL as the story page's player, as a media fragment (#t=start,end).
(function () {
  "use strict";
  var audio = new Audio();
  audio.preload = "none";
  var active = null;
  var end = null;

  function release() {
    if (!active) return;
    active.classList.remove("playing");
    active.setAttribute("aria-pressed", "false");
    active = null;
  }

  function play(control) {
    var start = parseFloat(control.dataset.start);
    end = control.dataset.end ? parseFloat(control.dataset.end) : null;
    var source = control.dataset.audio + "#t=" + start + (end ? "," + end : "");
    if (audio.dataset.source !== control.dataset.audio) {
      audio.src = source;
      audio.dataset.source = control.dataset.audio;
    } else {
      audio.currentTime = start;
    }
    active = control;
    control.classList.add("playing");
    control.setAttribute("aria-pressed", "true");
    var playing = audio.play();
    if (playing && playing.catch) playing.catch(function () { release(); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("a.play[data-audio]"), function (control) {
    control.setAttribute("role", "button");
    control.setAttribute("aria-pressed", "false");
    control.addEventListener("click", function (event) {
      event.preventDefault();
      var again = active === control;
      audio.pause();
      release();
      if (!again) play(control);
    });
  });

  audio.addEventListener("timeupdate", function () {
    if (active && end !== null && audio.currentTime >= end) { audio.pause(); release(); }
  });
  audio.addEventListener("ended", release);
  audio.addEventListener("error", release);
})();
