"""Static files once collected: hashed names (cached for ever) and precompressed copies."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name: str) -> str:
        # A file that was never collected (a benchmark's fresh data folder, a template
        # naming a file that is gone) gets its plain name, a 404 for that one file,
        # instead of failing the whole page with a 500.
        try:
            return super().stored_name(name)
        except ValueError:
            return name
