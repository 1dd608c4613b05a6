from django_tasks import task


@task()
def sync_story_documents(keys: list[str]) -> int:
    """Re-index these snippets and kits ("snippet:3/", "kit:1/"), removing what is gone."""
    from search.service import get_backend

    from .search_documents import documents_for

    backend = get_backend()
    prefixes, documents = documents_for(keys)
    for prefix in prefixes:
        backend.delete_prefix(prefix)
    return backend.upsert(documents) if documents else 0
