import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def sync_search_index(page_ids: list[int]) -> int:
    """Bring the search index in line with these pages: live ones re-indexed, the rest removed."""
    from wagtail.models import Page

    from search.service import get_backend

    from .search_documents import page_documents, page_key

    backend = get_backend()
    written = 0
    for page_id in page_ids:
        page = Page.objects.filter(pk=page_id).first()
        page = page.specific if page is not None else None
        backend.delete_prefix(f"page:{page_id}/")
        if page is not None and page.live and hasattr(page, "narrator_links"):
            written += backend.upsert(page_documents(page))
            logger.debug("search: indexed %s", page_key(page))
    return written
