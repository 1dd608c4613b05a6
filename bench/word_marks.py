"""Where to draw the line for "unsure" words: how often a word below each probability is wrong.

    .venv/bin/python bench/word_marks.py

Transcribes the 15 real read clips of ``shared/asr-dev`` (FLEURS Mandarin validation,
Conneau et al. 2022, Google, CC BY 4.0; see its README) without the glossary, aligns each
word's characters with the reference (punctuation and spaces removed, casefolded) and
counts a word wrong when any of its characters is not matched. For each threshold it prints
how many words would be marked, how many of the marked are wrong (precision) and how many
of the wrong words get a mark (recall). The editor's threshold (``word_marks.UNSURE``) is
chosen from this table: a mark should be right more often than not, and catch most errors.
"""

import csv
import os
import sys
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ASR_DEV = ROOT.parent / "shared" / "asr-dev"
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from media.transcription import text
    from media.transcription.service import transcribe

    with (ASR_DEV / "refs.tsv").open(encoding="utf-8") as handle:
        refs = {row["id"]: row["text"] for row in csv.DictReader(handle, delimiter="\t")}
    scored: list[tuple[float, bool]] = []  # (probability, wrong)
    for clip, reference in sorted(refs.items()):
        result = transcribe(ASR_DEV / f"{clip}.flac", terms=[])
        ref = text.compact(text.to_simplified(reference, "zh"))
        for segment in result.segments:
            # Each character of the hypothesis, with the index of the word it belongs to.
            chars, owner = [], []
            for n, (word, _probability) in enumerate(segment.words):
                for c in text.compact(word):
                    chars.append(c)
                    owner.append(n)
            matched = [False] * len(chars)
            for block in SequenceMatcher(a="".join(chars), b=ref, autojunk=False).get_matching_blocks():
                matched[block.a : block.a + block.size] = [True] * block.size
            for n, (_word, probability) in enumerate(segment.words):
                mine = [m for m, o in zip(matched, owner, strict=True) if o == n]
                if mine:
                    scored.append((probability, not all(mine)))
    wrong = sum(w for _, w in scored)
    print(f"{len(scored)} words, {wrong} wrong ({wrong / max(len(scored), 1):.0%})")
    print("threshold  marked  marked-wrong  precision  recall")
    for t in THRESHOLDS:
        marked = [w for p, w in scored if p < t]
        hits = sum(marked)
        print(f"{t:9.1f}  {len(marked):6d}  {hits:12d}  {hits / max(len(marked), 1):9.0%}  {hits / max(wrong, 1):6.0%}")


if __name__ == "__main__":
    main()
