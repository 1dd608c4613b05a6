"""The archive as a visitor may browse it: permitted items of every kind, filtered and ordered."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils.http import urlencode

from .consent import Purpose, permitted
from .items import item_kinds, item_models


@dataclass(frozen=True)
class ArchiveFilters:
    kind: str = ""
    theme: str = ""
    narrator: int | None = None
    decade: int | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> "ArchiveFilters":
        def number(name):
            value = query.get(name, "")
            return int(value) if value.isdigit() and len(value) < 10 else None

        kind = query.get("kind", "")
        return cls(
            kind=kind if kind in item_kinds() else "",
            theme=query.get("theme", "")[:100],
            narrator=number("narrator"),
            decade=number("decade"),
        )

    @property
    def active(self) -> bool:
        return any([self.kind, self.theme, self.narrator, self.decade])

    def query(self, **extra) -> str:
        """These filters (and ``extra``) as a query string, for links that keep them."""
        values = {"kind": self.kind, "theme": self.theme, "narrator": self.narrator, "decade": self.decade, **extra}
        return "?" + urlencode({name: value for name, value in values.items() if value})


# A phone on 3G shows a page of cards quickly; hundreds at once did not (and cost the server
# 90 ms a render with 200 oral histories: bench/load.py).
ITEMS_PER_PAGE = 24


@dataclass(frozen=True)
class ArchivePage:
    items: list
    number: int
    pages: int
    count: int
    previous_link: str
    next_link: str


def page_of(items: list, filters: ArchiveFilters, requested: str) -> ArchivePage:
    """One page of ``items``; a page number out of range or not a number gives the nearest page."""
    paginator = Paginator(items, ITEMS_PER_PAGE)
    number = int(requested) if requested.isdigit() and len(requested) < 6 else 1
    page = paginator.get_page(number)
    return ArchivePage(
        items=list(page.object_list),
        number=page.number,
        pages=paginator.num_pages,
        count=paginator.count,
        previous_link=filters.query(page=page.number - 1) if page.has_previous() else "",
        next_link=filters.query(page=page.number + 1) if page.has_next() else "",
    )


def _visible(model, user, parent=None):
    queryset = permitted(model.objects.live(), Purpose.VIEW, user)
    if parent is not None:
        queryset = queryset.child_of(parent)
    return queryset


def archive_items(user, filters: ArchiveFilters = ArchiveFilters(), parent=None) -> list:
    """Every item ``user`` may see, newest first, narrowed by ``filters``."""
    items = []
    for kind, model in item_kinds().items():
        if filters.kind and filters.kind != kind:
            continue
        queryset = _visible(model, user, parent)
        if filters.theme:
            queryset = queryset.filter(themes__slug=filters.theme)
        if filters.narrator:
            queryset = queryset.filter(narrator_links__narrator_id=filters.narrator)
        if filters.decade:
            queryset = queryset.filter(decade=filters.decade)
        items.extend(queryset.distinct().prefetch_related("themes", "narrator_links__narrator"))
    items.sort(key=lambda page: (page.first_published_at or page.latest_revision_created_at, page.pk), reverse=True)
    return items


def filter_choices(user, parent=None) -> dict:
    """Themes, narrators and decades that occur in what ``user`` may see (nothing else is named)."""
    themes, narrators, decades = set(), {}, set()
    for model in item_models():
        for page in _visible(model, user, parent).prefetch_related("themes", "narrator_links__narrator"):
            themes.update(page.themes.all())
            narrators.update({link.narrator.pk: link.narrator for link in page.narrator_links.all()})
            if page.decade:
                decades.add(page.decade)
    return {
        "kinds": [(kind, model.kind_label) for kind, model in item_kinds().items()],
        "themes": sorted(themes, key=lambda t: t.name),
        "narrators": sorted(narrators.values(), key=lambda n: n.name),
        "decades": sorted(decades),
    }
