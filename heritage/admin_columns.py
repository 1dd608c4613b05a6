"""Listing columns that speak Chinese: a yes/no shown as 是/否 with its icon (Wagtail's says True/False)."""

from wagtail.admin.ui.tables import BooleanColumn


class YesNoColumn(BooleanColumn):
    cell_template_name = "heritage/admin/yes_no_cell.html"
