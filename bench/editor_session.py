"""A scripted editing session in the transcript editor: keystrokes and seconds per fix, without and with word marks.

    .venv/bin/python bench/editor_session.py            # both runs, side by side
    .venv/bin/python bench/editor_session.py --no-marks # only the run without word marks

A 3-minute demo transcript (45 sentences, 4 s each) holds 10 typical errors: homophones of
places and dishes, narrators' names, a word nobody has in a list, a sentence to split, two
to merge and a speaker change. Headless Chromium fixes them from the keyboard, top to bottom,
as a facilitator would, then saves; the saved text must equal the corrected transcript.

- Without marks (``--no-marks``, the editor as it was): Alt+↓ to the sentence, Ctrl+Home or
  End and arrows to the word, Shift+arrows over it, type the right word.
- With marks: Alt+N to the next unsure word (selected, its alternatives listed), ↓ to the
  right one, Enter. Where no alternative fits, Esc and type over the selection. Two right
  words are marked too (false alarms), and Alt+N has to pass them.

Typing Chinese is counted as an IME would take it: the pinyin letters plus one key to commit
(the text itself is inserted at once). Seconds are machine time in headless Chromium on a
shared machine (noisy; compare the two runs of one invocation). Splits, merges and the speaker
change take the same keys in both runs: marks only help with words.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECONDS = 4.0

# (machine text, right text, what kind of fix, the machine's words: (text, probability) or None for 2-character chunks)
ERRORS = {
    2: (
        "我家住在西风县。",
        "我家住在息烽县。",
        "homophone (place)",
        [("我家", 0.9), ("住在", 0.9), ("西风", 0.3), ("县。", 0.8)],
    ),
    6: (
        "李碑村的人都会做。",
        "立碑村的人都会做。",
        "homophone (place)",
        [("李碑", 0.35), ("村的", 0.8), ("人都会做。", 0.9)],
    ),
    10: (
        "先把磁巴辣椒准备好。",
        "先把糍粑辣椒准备好。",
        "homophone (dish)",
        [("先把", 0.9), ("磁巴", 0.2), ("辣椒准备好。", 0.9)],
    ),
    14: ("放在石旧里舂。", "放在石臼里舂。", "homophone (tool)", [("放在", 0.9), ("石旧", 0.3), ("里舂。", 0.7)]),
    18: ("这是王秀银教我的。", "这是王秀英教我的。", "name", [("这是", 0.9), ("王秀银", 0.25), ("教我的。", 0.9)]),
    22: ("李贵芬嫁过来那年。", "李桂芬嫁过来那年。", "name", [("李贵芬", 0.3), ("嫁过来", 0.9), ("那年。", 0.9)]),
    26: ("她们都叫我腰妹。", "她们都叫我幺妹。", "word in no list", [("她们", 0.9), ("都叫我", 0.9), ("腰妹。", 0.3)]),
}
SPLIT = (30, "肉要切成小块锅要先烧热。", 6)  # sentence, text, where to cut
MERGE = 34  # "然后放进" + "石臼里慢慢舂。"
SPEAKER = (38, "采访者")
FALSE_ALARMS = {
    8: ("鸡要用土鸡。", [("鸡要用", 0.9), ("土鸡。", 0.45)]),
    16: ("火不能太大。", [("火不能", 0.5), ("太大。", 0.9)]),
}
FILLER = [
    "那时候家家户户都自己做。",
    "辣椒是自己家种的。",
    "赶场的时候买一只鸡回来。",
    "我外婆做得最好吃。",
    "一做就是一下午。",
    "过年的时候才舍得吃。",
]
TERMS = ["阳朗辣子鸡", "息烽县", "立碑村", "糍粑辣椒", "阳朗", "息烽", "舂辣椒", "石臼", "菜籽油", "油坊"]
TERMS += ["赶场", "土鸡", "王秀英", "张德明", "李桂芬"]


def machine_and_right() -> tuple[list[str], list[str]]:
    machine, right = [], []
    for n in range(45):
        if n in ERRORS:
            machine.append(ERRORS[n][0])
            right.append(ERRORS[n][1])
        elif n in FALSE_ALARMS:
            machine.append(FALSE_ALARMS[n][0])
            right.append(FALSE_ALARMS[n][0])
        elif n == SPLIT[0]:
            machine.append(SPLIT[1])
            right += [SPLIT[1][: SPLIT[2]], SPLIT[1][SPLIT[2] :]]
        elif n == MERGE:
            machine.append("然后放进")
            right.append("然后放进石臼里慢慢舂。")
        elif n == MERGE + 1:
            machine.append("石臼里慢慢舂。")
        else:
            machine.append(FILLER[n % len(FILLER)])
            right.append(FILLER[n % len(FILLER)])
    return machine, right


def silent_wav(path: Path, seconds: float) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\x00\x01" * int(seconds * 16_000))


def prepare(marks: bool, data_dir: Path) -> tuple[int, str]:
    """A recording, its machine transcript (with or without words) and a signed-in facilitator's session."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from media.ingest import ingest
    from media.models import AudioRecording, Transcript, TranscriptRevision, TranscriptSegment
    from media.transcription.service import Segment
    from media.transcription.store import snapshot
    from media.transcription.word_marks import word_rows

    AudioRecording.objects.all().delete()
    audio = data_dir / "three-minutes.wav"
    silent_wav(audio, 45 * SECONDS)
    with audio.open("rb") as stream:
        recording = ingest(stream, audio.name, f"外婆讲辣子鸡（{'有' if marks else '无'}词标记）")
    transcript = Transcript.objects.create(recording=recording)
    machine, _ = machine_and_right()
    rows = []
    for n, text in enumerate(machine):
        start = n * SECONDS
        given = ERRORS.get(n, (None, None, None, None))[3] or FALSE_ALARMS.get(n, (None, None))[1]
        words = given or [(text[i : i + 2], 0.9) for i in range(0, len(text), 2)]
        times = [(start + k * 0.3, start + k * 0.3 + 0.25) for k in range(len(words))]
        heard = Segment(start, start + SECONDS - 0.1, text, -0.4, 0.0, words=words, word_times=times)
        rows.append(
            TranscriptSegment(
                transcript=transcript,
                position=n,
                start=start,
                end=start + SECONDS - 0.1,
                text=text,
                words=word_rows(heard, TERMS, [("磁巴", "糍粑")]) if marks else [],
            )
        )
    TranscriptSegment.objects.bulk_create(rows)
    TranscriptRevision.objects.create(transcript=transcript, source="machine", segments=snapshot(transcript))
    user, _ = get_user_model().objects.get_or_create(username="bench-facilitator", defaults={"is_superuser": True})
    client = Client()
    client.force_login(user)
    from django.conf import settings

    return recording.pk, client.cookies[settings.SESSION_COOKIE_NAME].value


def ime_keys(chinese: str) -> int:
    from pypinyin import lazy_pinyin

    return sum(len(p) for p in lazy_pinyin(chinese)) + 1


class Session:
    """Counts every key it presses; the page is the editor."""

    def __init__(self, page):
        self.page, self.keys, self.sentence = page, 0, 0

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.keys += 1

    def type_chinese(self, text: str) -> None:
        self.page.keyboard.insert_text(text)
        self.keys += ime_keys(text)

    def to_sentence(self, n: int) -> None:
        """Alt+↓/↑ from the current sentence."""
        step = "Alt+ArrowDown" if n >= self.sentence else "Alt+ArrowUp"
        self.press(step, abs(n - self.sentence))
        self.sentence = n

    def to_caret(self, text: str, at: int) -> None:
        """From wherever the caret is: Ctrl+Home then → , or End then ←, whichever is shorter."""
        if at <= len(text) - at:
            self.press("Control+Home")
            self.press("ArrowRight", at)
        else:
            self.press("End")
            self.press("ArrowLeft", len(text) - at)


def word_fix_by_hand(s: Session, n: int, shift: int) -> None:
    wrong, right = ERRORS[n][0], ERRORS[n][1]
    at = next(i for i in range(len(wrong)) if wrong[i] != right[i])
    end = max(i for i in range(len(wrong)) if wrong[i] != right[i]) + 1
    s.to_sentence(n + shift)
    s.to_caret(wrong, at)
    s.press("Shift+ArrowRight", end - at)
    s.type_chinese(right[at:end])


def word_fix_with_marks(s: Session, n: int, shift: int) -> None:
    wrong, right = ERRORS[n][0], ERRORS[n][1]
    page = s.page
    while True:
        s.press("Alt+n")
        s.sentence = int(page.evaluate("document.activeElement.closest('.te-seg').dataset.index"))
        if s.sentence == n + shift:
            break
        s.press("Escape")  # a false alarm: the word is right
    options = page.evaluate(
        "[...document.querySelectorAll('#te-choices [role=option]')].map((li) => "
        "[li.querySelector('b').textContent, +li.dataset.at, +li.dataset.end])"
    )
    results = [wrong[:at] + text + wrong[end:] for text, at, end in options]
    picked = results.index(right) if right in results else -1
    area = page.locator("#te-segments textarea").nth(n + shift)
    if picked >= 0:
        s.press("ArrowDown", picked)
        s.press("Enter")
    else:
        start, end = area.evaluate("(a) => [a.selectionStart, a.selectionEnd]")
        s.press("Escape")
        s.type_chinese(right[start : end + len(right) - len(wrong)])


def run(marks: bool, browser, base_url: str, data_dir: Path) -> list[tuple[str, int, float]]:
    from media.models import AudioRecording

    recording_id, cookie = prepare(marks, data_dir)
    # wait_for_function evaluates its predicate, which the site's CSP forbids (as in tests/browser).
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN", bypass_csp=True)
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": base_url}])
    page = context.new_page()
    page.goto(f"{base_url}/admin/transcripts/{recording_id}/")
    page.locator("#te-segments textarea").nth(0).evaluate("(a) => { a.focus(); a.setSelectionRange(0, 0); }")
    s = Session(page)
    fixes: list[tuple[str, int, float]] = []

    def timed(kind: str, action) -> None:
        keys, started = s.keys, time.perf_counter()
        action()
        fixes.append((kind, s.keys - keys, time.perf_counter() - started))

    for n in sorted(ERRORS):
        fix = word_fix_with_marks if marks else word_fix_by_hand
        timed(ERRORS[n][2], lambda n=n, fix=fix: fix(s, n, 0))

    def split() -> None:
        s.to_sentence(SPLIT[0])
        s.to_caret(SPLIT[1], SPLIT[2])
        s.press("Alt+s")
        s.sentence += 1

    def merge() -> None:
        s.to_sentence(MERGE + 1)  # one more sentence above it now, after the split
        s.press("Alt+m")

    def speaker() -> None:
        s.to_sentence(SPEAKER[0])  # one added, one removed: the same index
        s.press("Tab", 2)  # past the reviewed box to the speaker field
        s.type_chinese(SPEAKER[1])

    timed("split", split)
    timed("merge", merge)
    timed("speaker change", speaker)
    s.press("Control+s")
    page.wait_for_function("document.getElementById('te-message').textContent === '已保存'")
    context.close()
    saved = list(AudioRecording.objects.get(pk=recording_id).transcript.segments.values_list("text", flat=True))
    expected = machine_and_right()[1]
    if saved != expected:
        wrong = [(a, b) for a, b in zip(saved, expected, strict=False) if a != b][:3]
        raise SystemExit(f"the session did not fix everything ({'marks' if marks else 'no marks'}): {wrong}")
    return fixes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-marks", action="store_true", help="only the run without word marks and alternatives")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="editor-session-"))
    env = {**os.environ, "DATA_DIR": str(data_dir), "DEBUG": "1", "LOG_LEVEL": "WARNING"}
    # Playwright's sync API runs an event loop; the ORM calls beside it are plain, one at a time.
    env["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import django

        django.setup()
        from playwright.sync_api import sync_playwright

        for _ in range(120):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            runs = {"without marks": run(False, browser, f"http://127.0.0.1:{port}", data_dir)}
            if not args.no_marks:
                runs["with marks"] = run(True, browser, f"http://127.0.0.1:{port}", data_dir)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    names = list(runs)
    print(f"{'fix':<20}" + "".join(f"{name + ' keys':>22}{'s':>7}" for name in names))
    for k, (kind, *_rest) in enumerate(runs[names[0]]):
        print(f"{kind:<20}" + "".join(f"{runs[name][k][1]:>22}{runs[name][k][2]:>7.2f}" for name in names))
    print(
        f"{'total (10 fixes)':<20}"
        + "".join(f"{sum(f[1] for f in runs[n]):>22}{sum(f[2] for f in runs[n]):>7.2f}" for n in names)
    )


if __name__ == "__main__":
    main()
