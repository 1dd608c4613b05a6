from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.images.models import AbstractImage, AbstractRendition, Image


class HeritageImage(AbstractImage):
    """A photo with the credit and rights every archive image must carry."""

    credit_line = models.CharField(_("署名"), max_length=255, blank=True, help_text=_("例如：摄影 王小红"))
    rights_statement = models.CharField(
        _("使用权说明"),
        max_length=255,
        blank=True,
        help_text=_("谁拥有这张照片，是否同意用于商品包装和网店。"),
    )

    admin_form_fields = Image.admin_form_fields + ("credit_line", "rights_statement")

    class Meta(AbstractImage.Meta):
        verbose_name = _("照片")
        verbose_name_plural = _("照片")


class HeritageRendition(AbstractRendition):
    image = models.ForeignKey(HeritageImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
