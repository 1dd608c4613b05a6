"""The archive's item page models, named once for the modules that read them.

The page models ask the listing, picture and search read models for their context, and
those read models query the pages. They find the page models here, through Django's app
registry, instead of importing ``heritage.models.pages``: the imports then point one way
(pages → read models → the gate) and no circle hides in a function (issue 10, STYLE.md).
"""

from django.apps import apps

ITEM_MODEL_NAMES = ("OralHistoryPage", "RecipePage", "FamilyMemoryPage")


def item_models() -> tuple[type, ...]:
    """Oral histories, recipes and family memories: the pages narrators appear in."""
    return tuple(apps.get_model("heritage", name) for name in ITEM_MODEL_NAMES)


def item_kinds() -> dict[str, type]:
    """Each item model by its ``kind`` (``oral_history``, ``recipe``, ``memory``)."""
    return {model.kind: model for model in item_models()}
