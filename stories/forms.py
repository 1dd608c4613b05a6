from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

from .models import BrandKit, Workshop


class NewKitForm(forms.Form):
    title = forms.CharField(label=_("商品"), max_length=200, help_text=_("例如：阳朗辣子鸡 350 g 罐装"))
    product_name = forms.CharField(label=_("产品名"), max_length=60, help_text=_("例如：阳朗辣子鸡"))
    workshop = forms.ModelChoiceField(label=_("工作坊"), queryset=Workshop.objects.none(), required=False)

    def __init__(self, *args, workshops=None, workshop_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = workshops if workshops is not None else Workshop.objects.all()
        # Participants build kits inside their workshops; only facilitators make kits outside one.
        self.fields["workshop"].required = workshop_required

    def unique_slug(self) -> str:
        base = slugify("-".join(lazy_pinyin(self.cleaned_data["title"]))) or "kit"
        base = base[:70]
        slug, n = base, 2
        while BrandKit.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug
