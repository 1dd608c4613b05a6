from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class GlossaryTerm(index.Indexed, models.Model):
    """A place name, dish, family name or dialect word the transcription should know."""

    class Kind(models.TextChoices):
        PLACE = "place", _("地名")
        DISH = "dish", _("菜名/食材")
        FAMILY = "family", _("姓氏/人名")
        DIALECT = "dialect", _("方言词")
        OTHER = "other", _("其他")

    term = models.CharField(_("词语"), max_length=50, unique=True)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    priority = models.PositiveSmallIntegerField(
        _("优先级"), default=5, help_text=_("提示词有长度上限，优先级高的词先放进去（0–9）。")
    )
    note = models.CharField(_("说明"), max_length=255, blank=True, help_text=_("例如：机器常错写成“杨老”"))

    panels = [FieldPanel("term"), FieldPanel("kind"), FieldPanel("priority"), FieldPanel("note")]
    search_fields = [index.SearchField("term"), index.AutocompleteField("term")]

    class Meta:
        verbose_name = _("转写词表")
        verbose_name_plural = _("转写词表")
        ordering = ["-priority", "term"]

    def __str__(self):
        return self.term
