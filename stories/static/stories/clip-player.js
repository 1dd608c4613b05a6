// One quote's clip, played in place: a play button, the clip's own time (0:00 / 0:09, not
// the whole recording's), and the sentence being said as a subtitle. Used by the kit story
// page and the kit board. Markup: <div class="clip" data-start data-end> holding an <audio>
// (with its own controls, for browsers without this script) and optionally
// <ol class="subtitles"><li data-start data-end>…</li></ol>.

const clock = (seconds) => {
  const total = Math.max(0, Math.floor(seconds));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
};

const playing = new Set();

export function mountClip(container) {
  if (container.dataset.mounted) return;
  container.dataset.mounted = "1";
  const audio = container.querySelector("audio");
  const start = Number(container.dataset.start);
  const end = Number(container.dataset.end);
  const length = Math.max(0, end - start);
  const lines = [...container.querySelectorAll(".subtitles li")].map((li) => ({
    start: Number(li.dataset.start),
    end: Number(li.dataset.end),
    text: li.textContent,
  }));

  const button = Object.assign(document.createElement("button"), { type: "button", textContent: "▶" });
  button.setAttribute("aria-label", "播放这段原声");
  const time = Object.assign(document.createElement("span"), { className: "time", textContent: `0:00 / ${clock(length)}` });
  const bar = Object.assign(document.createElement("progress"), { max: length || 1, value: 0 });
  bar.setAttribute("aria-hidden", "true");
  const controls = Object.assign(document.createElement("div"), { className: "clip-controls" });
  controls.append(button, time, bar);
  const caption = Object.assign(document.createElement("p"), { className: "caption" });
  caption.setAttribute("aria-live", "polite");
  audio.controls = false;
  audio.after(controls);
  if (lines.length) controls.after(caption);

  const show = () => {
    const at = Math.min(Math.max(audio.currentTime - start, 0), length);
    time.textContent = `${clock(at)} / ${clock(length)}`;
    bar.value = at;
    const line = lines.find((l) => audio.currentTime >= l.start - 0.05 && audio.currentTime < l.end);
    if (lines.length && caption.textContent !== (line ? line.text : "")) caption.textContent = line ? line.text : "";
  };
  const stop = () => {
    audio.pause();
    audio.currentTime = start;
    show();
    caption.textContent = "";
  };

  async function play() {
    for (const other of playing) if (other !== audio) other.pause();
    if (audio.readyState < 1) {
      audio.preload = "metadata";
      const ready = new Promise((resolve) => audio.addEventListener("loadedmetadata", resolve, { once: true }));
      audio.load();
      await ready;
    }
    if (audio.currentTime < start - 0.05 || audio.currentTime >= end - 0.05) audio.currentTime = start;
    await audio.play();
  }

  button.addEventListener("click", () => {
    if (audio.paused) {
      play().catch(() => {
        time.textContent = "暂时不能播放";
      });
    } else audio.pause();
  });
  audio.addEventListener("play", () => {
    playing.add(audio);
    button.textContent = "❚❚";
    button.setAttribute("aria-label", "暂停");
  });
  audio.addEventListener("pause", () => {
    playing.delete(audio);
    button.textContent = "▶";
    button.setAttribute("aria-label", "播放这段原声");
  });
  audio.addEventListener("timeupdate", () => {
    if (audio.currentTime >= end) stop();
    else show();
  });
  audio.addEventListener("ended", stop);
}

export function mountClips(root = document) {
  root.querySelectorAll(".clip").forEach(mountClip);
}
