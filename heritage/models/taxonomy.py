from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Theme(index.Indexed, models.Model):
    """A theme of the archive, such as 辣子鸡工艺, 节庆, 家族, 村史, 电商."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    slug = models.SlugField(_("网址名"), max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(_("说明"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("主题")
        verbose_name_plural = _("主题")
        ordering = ["name"]

    def __str__(self):
        return self.name
