"""The ledger listens to stories' signals; stories does not know it is there."""

from stories import signals

from .recording import count_scan, record_download


def on_kit_downloaded(sender, kit, user, revision_id, path, **kwargs):
    # Raises AgreementNotAccepted before anything is recorded or served.
    record_download(kit, user, revision_id, path)


def on_kit_story_opened(sender, kit, source, **kwargs):
    count_scan(kit, source)


def register() -> None:
    signals.kit_downloaded.connect(on_kit_downloaded, dispatch_uid="ledger.kit_downloaded")
    signals.kit_story_opened.connect(on_kit_story_opened, dispatch_uid="ledger.kit_story_opened")
