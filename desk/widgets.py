"""Admin widgets and list columns for images: the picture itself, and where its focal point is."""

from django.contrib.admin.widgets import AdminFileWidget
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from images.processing import rendition_name, thumbnail_url


class ImagePreviewInput(AdminFileWidget):
    """A file input that shows the stored image; a click on it sets `<name>_focus_x/_y` when present."""

    template_name = "admin/widgets/image_preview_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        stored = value is not None and getattr(value, "_committed", False) and getattr(value, "name", "")
        if stored:
            context["widget"]["preview_url"] = value.storage.url(rendition_name(value.name, 480))
        return context


def thumbnail(field_file, focus=None):
    """A small picture for a list column: the square crop around the focal point, or "—"."""
    if not field_file:
        return "—"
    return format_html(
        '<img class="list-thumbnail" src="{}" width="48" height="48" alt="" loading="lazy">',
        thumbnail_url(field_file, focus),
    )


THUMBNAIL_LABEL = _("picture")
