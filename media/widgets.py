"""Form widgets of the media app."""

from django import forms
from django.utils.translation import gettext_lazy as _

CHOOSE = _("选择文件")


class FilePick(forms.ClearableFileInput):
    """A file input whose button and "nothing chosen" read in Chinese, whatever the browser's language."""

    template_name = "media/widgets/file_pick.html"

    def __init__(self, button=CHOOSE, attrs=None):
        super().__init__(attrs)
        self.button = button

    class Media:
        css = {"all": ["media/file-pick.css"]}
        js = ["media/file-pick.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        return {
            "id": widget["attrs"].get("id") or f"id_{name}",
            "name": name,
            "accept": widget["attrs"].get("accept"),
            "capture": widget["attrs"].get("capture"),
            "disabled": widget["attrs"].get("disabled"),
            "required": widget["required"],
            "button": self.button,
        }
