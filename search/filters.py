"""Links that narrow and widen a search: a filter added to the ones in force, or one taken away.

Filters combine (a narrator and a theme), so a combination can find nothing; every
active filter then offers its own "去掉筛选" link, and the search never ends in a dead end
without saying how to widen it (issue 13).
"""

from urllib.parse import urlencode

from .documents import FACETS


def link(query: str, filters: dict[str, str], **changes: str) -> str:
    """``?q=…&…`` for ``filters`` with ``changes`` applied (an empty value drops that filter)."""
    merged = {name: value for name, value in {**filters, **changes}.items() if name in FACETS and value}
    return "?" + urlencode({"q": query, **{name: merged[name] for name in FACETS if name in merged}})


def active(query: str, filters: dict[str, str], labels: dict, value_label) -> list[dict]:
    """Each filter in force: its name, what it shows, and the link without it."""
    return [
        {
            "name": name,
            "label": labels[name],
            "value": value_label(name, filters[name]),
            "without": link(query, filters, **{name: ""}),
        }
        for name in FACETS
        if filters.get(name)
    ]
