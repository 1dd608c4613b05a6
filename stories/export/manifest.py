"""manifest.json: what a kit export holds and what it rests on.

The revision it was made from, a sha256 per file, where each quote comes from and
the consent relied on, the label fields still missing and the count of copy warnings.
"""

import hashlib
from pathlib import Path

from .content import KitContent, human_date, human_time
from .lint import lint_content

MANIFEST_VERSION = 1


def sha256(data: bytes | Path) -> tuple[str, int]:
    if isinstance(data, bytes):
        return hashlib.sha256(data).hexdigest(), len(data)
    digest, size = hashlib.sha256(), 0
    with open(data, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def build_manifest(content: KitContent, files: dict[str, bytes | Path], *, lint_warnings: int | None = None) -> dict:
    """The manifest of `files` (path in the kit → bytes or a file); warnings counted if not given."""
    listed = []
    for name in sorted(files):
        digest, size = sha256(files[name])
        listed.append({"path": name, "sha256": digest, "bytes": size})
    return {
        "manifest_version": MANIFEST_VERSION,
        "kit": content.slug,
        "product_name": content.product_name,
        "revision_id": content.revision_id,
        "approved_at": content.approved_at,
        "approved_at_text": human_time(content.approved_at),
        "approved_by": content.approved_by,
        "workshop": content.workshop,
        "exported_on": content.exported_on.isoformat(),
        "exported_on_text": human_date(content.exported_on),
        "story_url": content.story_url,
        "files": listed,
        "snippets": [
            {
                "text": snippet.text,
                "narrators": list(snippet.narrator_names),
                "source": snippet.source,
                "consent": snippet.consent,
                "note": snippet.note,
            }
            for snippet in content.snippets
        ],
        "credits": [{"name": c.name, "village": c.village, "recordings": list(c.recordings)} for c in content.credits],
        "missing_label_fields": [
            {"key": f.key, "label": f.label, "english": f.english, "since": f.since}
            for f in content.missing_label_fields()
        ],
        "lint_warnings": len(lint_content(content)) if lint_warnings is None else lint_warnings,
    }
