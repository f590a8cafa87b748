from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

from .. import sidebar
from ..images import rendition_name, rendition_widths
from ..models import Contacts, Issue

register = template.Library()


@register.inclusion_tag("magazine/_sidebar.html", takes_context=True)
def render_sidebar(context):
    return {**context.flatten(), "sidebar_widgets": sidebar.widgets()}


@register.simple_tag
def latest_issues(count=8):
    return list(Issue.objects.published()[:count])


@register.simple_tag
def site_contacts():
    return Contacts.load()


@register.inclusion_tag("includes/_picture.html")
def picture(image, width, height, alt, sizes="100vw", css_class="", eager=False):
    """An <img> with WebP renditions in srcset, intrinsic size against layout shift, lazy by default."""
    if not image:
        return {"image": None}
    storage = image.storage
    widths = rendition_widths(width)
    srcset = ", ".join(f"{storage.url(rendition_name(image.name, w))} {w}w" for w in widths)
    src_width = max(w for w in widths if w <= 960) if any(w <= 960 for w in widths) else widths[0]
    return {
        "image": image,
        "src": storage.url(rendition_name(image.name, src_width)),
        "srcset": srcset,
        "sizes": sizes,
        "width": width,
        "height": height,
        "alt": alt,
        "css_class": css_class,
        "eager": eager,
    }


@register.simple_tag(takes_context=True)
def language_links(context):
    """[(code, name, url, is_current)] for the switcher: this page in every language."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    overrides = context.get("translation_urls") or {}
    current = context.get("LANGUAGE_CODE")
    return [
        (
            code,
            get_language_info(code)["name_local"],
            overrides.get(code) or translate_url(path, code),
            code == current,
        )
        for code, _ in settings.LANGUAGES
    ]


@register.simple_tag
def all_sections():
    from ..models import Section

    return list(Section.objects.all())
