from django.db import models


class PageCacheVersion(models.Model):
    """One row, rewritten by database triggers on every change to a table that decides what a
    visitor sees (heritage/page_fingerprint.py): a bulk update, a console or a restore too."""

    token = models.CharField(max_length=64)

    class Meta:
        verbose_name = "page cache version"
