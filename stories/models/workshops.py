from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel


class Workshop(models.Model):
    """A brand-story co-creation workshop: elders' words in, a kit for sellers out."""

    title = models.CharField(_("名称"), max_length=200)
    date = models.DateField(_("日期"), default=timezone.localdate)
    place = models.CharField(_("地点"), max_length=200, default="立碑村村委会")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("协作者"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="facilitated_workshops",
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("参加的村民"), blank=True, related_name="workshops"
    )
    notes = models.TextField(_("备注"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False, editable=False)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("date"), FieldPanel("place")]),
        FieldPanel("facilitator"),
        FieldPanel("participants"),
        FieldPanel("notes"),
    ]

    class Meta:
        verbose_name = _("共创工作坊")
        verbose_name_plural = _("共创工作坊")
        ordering = ["-date", "title"]

    def __str__(self):
        return f"{self.title}（{self.date:%Y-%m-%d}）"

    def is_member(self, user) -> bool:
        return bool(
            user.is_authenticated and (self.facilitator_id == user.pk or self.participants.filter(pk=user.pk).exists())
        )
