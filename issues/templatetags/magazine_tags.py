from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info

from images.processing import crop_name, rendition_name, rendition_widths
from issues import sidebar
from issues.models import Contacts, Section
from richtext.sanitize import sanitize_html
from sitecache import fragment

register = template.Library()


@register.inclusion_tag("magazine/_sidebar.html", takes_context=True)
def render_sidebar(context):
    return {**context.flatten(), "sidebar_widgets": sidebar.widgets()}


@register.simple_tag
def latest_issues(count=8):
    """The newest published issues (the sidebar's widgets and the home page share one list)."""
    return sidebar.latest_issues()[:count]


@register.simple_tag
def upcoming_events(count=3):
    return sidebar.upcoming_events()[:count]


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


def page_urls(context):
    """{language: path} of this page in every language; views may pass `translation_urls` instead."""
    overrides = context.get("translation_urls")
    if overrides:
        return overrides
    request = context.get("request")
    # The query is kept as it is, as translate_url keeps it: a search's many queries share one path.
    path, mark, query = (request.get_full_path() if request else "/").partition("?")
    paths = translated_paths(path)
    return {code: f"{translated}{mark}{query}" for code, translated in paths.items()} if mark else paths


@lru_cache(maxsize=2048)
def translated_paths(path):
    """{language: path}: URL patterns only, so the answer for a path never changes while running."""
    return {code: translate_url(path, code) for code, _ in settings.LANGUAGES}


@register.simple_tag(takes_context=True)
def language_links(context):
    """[(code, local name, switch URL, is_current)] for the language switcher."""
    return switcher_links(context.get("LANGUAGE_CODE"), tuple(page_urls(context).items()))


@lru_cache(maxsize=2048)
def switcher_links(current, urls):
    urls = dict(urls)
    return [
        (
            code,
            get_language_info(code)["name_local"],
            f"{reverse('language-switch', args=[code])}?{urlencode({'next': urls[code]})}",
            code == current,
        )
        for code, _ in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def hreflang_links(context):
    """[(code, absolute URL)] of the versions of this page, for <link rel="alternate" hreflang>."""
    request = context.get("request")
    urls = context.get("hreflang_urls") if "hreflang_urls" in context else page_urls(context)
    if request is None:
        return []
    return [(code, request.build_absolute_uri(url)) for code, url in urls.items()]


@register.filter
def language_name(code):
    return get_language_info(code)["name_local"]


@register.simple_tag
def all_sections():
    return Section.menu()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, parts):
        self.nodelist, self.name, self.parts = nodelist, name, parts

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        parts = [part.resolve(context) for part in self.parts]
        # Template output, escaped when it was rendered.
        return mark_safe(fragment(request, self.name, parts, lambda: self.nodelist.render(context)))


@register.tag("fragment")
def fragment_tag(parser, token):
    """{% fragment "name" var … %}…{% endfragment %}: render once per content version, language and vars.

    Only for output that is the same for every reader (sitecache.fragment): never around a
    session's or a user's own content. CSRF tokens inside are made fresh for each visitor.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} takes a name and the values it depends on")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, bits[1].strip("\"'"), [parser.compile_filter(bit) for bit in bits[2:]])


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        # The nodes' output is already escaped template output.
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))
        return ""


@register.tag
def capture(parser, token):
    """{% capture name %}…{% endcapture %}: render once (blocks included), reuse as {{ name }}."""
    try:
        _, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("{% capture %} takes one variable name") from None
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, name)


@register.simple_tag(takes_context=True)
def absolute_url(context, path=None):
    """The absolute URL of `path` (default: this page without its query string)."""
    request = context.get("request")
    if request is None:
        return path or ""
    return request.build_absolute_uri(path or request.path)


@register.simple_tag(takes_context=True)
def image_url(context, image, width, focus=None):
    """Absolute URL of `image` for social cards: its card crop around `focus`, else its largest rendition."""
    if not image:
        return ""
    if focus:
        return absolute_url(
            context, image.storage.url(crop_name(image.name, settings.IMAGE_CROPS["card"], focus))
        )
    largest = max(rendition_widths(width))
    return absolute_url(context, image.storage.url(rendition_name(image.name, largest)))


@register.simple_tag(takes_context=True)
def dashboard(context):
    from desk import dashboard as board

    request = context["request"]
    return {"panels": board.panels(request), "chart": board.chart(request)}


@register.filter
def rich_text(html):
    """HTML from a form or an import, cleaned by the one sanitizer before it is shown."""
    return mark_safe(sanitize_html(str(html or "")))


@register.filter
def app_crumb_needed(opts):
    """False when the app's name would only repeat the model's in the breadcrumbs ("Articles › Articles")."""
    return str(opts.app_config.verbose_name).lower() != str(opts.verbose_name_plural).lower()
