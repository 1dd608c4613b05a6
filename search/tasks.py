from django_tasks import task

from .sync import sync_documents


@task()
def sync_search_documents(keys: list[str]) -> int:
    """Re-index these document keys, removing what is gone (search/sync.py)."""
    return sync_documents(keys)
