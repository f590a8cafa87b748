import json
from urllib.parse import quote, urlencode

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext as _, override

from issues import shell
from issues.prepared import Prepared
from issues.templatetags.magazine_tags import picture

from .. import extensions
from ..cards import Cards
from ..models import Article
from ..paywall import is_open_to_everyone
from ..related import related_articles

register = template.Library()


@register.simple_tag
def below_article_templates():
    return extensions.below_article()


@register.simple_tag
def related_reading(article):
    """Related reading under `article` for a reader of the active language (articles.related): its
    compact cards as `<li>` items (HTML, safe), or "" when there is none."""
    related = related_articles(article, get_language())
    if not related:
        return ""
    return Cards().cards(related, items=True, compact=True, heading_level=3)


@register.simple_tag
def latest_sponsored(count=3):
    return shell.rows("latest-sponsored")[:count]


LATEST_SPONSORED = Prepared(
    lambda now: Article.objects.published(now).filter(is_sponsored=True).only("title", "slug", "language")[:3]
)


@register.simple_tag
def article_cards(articles, heading_level=2):
    """The cards of a list (articles.cards), loaded with `for_cards()`."""
    return Cards().cards(articles, heading_level=heading_level)


@register.simple_tag
def table_of_contents(articles):
    """An issue's contents: compact cards under their rubrics (ordered by rubric)."""
    return Cards().table_of_contents(articles)


@register.filter
def excerpt_only(article):
    """True while anyone gets only the excerpt of `article` online (print-first, embargo not over)."""
    return not is_open_to_everyone(article)


@register.simple_tag
def article_blocks(blocks, article):
    """The blocks of the article page (HTML, safe), in the markup the template `_block.html` had:
    built in Python rather than by a template included once per block (an article may have a hundred)."""
    words = {"question": escape(_("Question")), "answer": _("Answer")}
    return mark_safe("".join(block_html(block, article, words) for block in blocks))


@register.simple_tag
def article_block(block, article):
    """One block of the article page (an editor's preview, which marks where the excerpt ends)."""
    return article_blocks([block], article)


def block_html(block, article, words):
    """A block of the page: the body is sanitized rich text (on save), the rest escaped."""
    kind = block.kind
    if kind == "image":
        sizes = "(min-width: 900px) 720px, 100vw"
        image = picture(block.image, block.image_width, block.image_height, block.image_alt, sizes)
        image = render_to_string("includes/_picture.html", image)
        caption = f"<figcaption>{escape(block.caption)}</figcaption>" if block.caption else ""
        return f'\n<figure class="figure">{image}{caption}</figure>\n'
    body = sponsored_links(block.body, article)
    if kind == "question":
        return (
            f'\n<div class="qa qa--question"><p class="qa__speaker">{words["question"]}</p>'
            f'<div class="qa__text rich">{body}</div></div>\n'
        )
    if kind == "answer":
        speaker = escape(block.caption or article.interviewee_name or words["answer"])
        return (
            f'\n<div class="qa qa--answer"><p class="qa__speaker">{speaker}</p>'
            f'<div class="qa__text rich">{body}</div></div>\n'
        )
    if kind == "quote":
        caption = f"<figcaption>{escape(block.caption)}</figcaption>" if block.caption else ""
        return f'\n<figure class="pullquote"><blockquote class="rich">{body}</blockquote>{caption}</figure>\n'
    return f'\n<div class="rich">{body}</div>\n'


@register.filter
def sponsored_links(html, article):
    """Block HTML for the page (sanitized on save); a sponsored article's links get rel="sponsored"."""
    html = str(html)
    if getattr(article, "is_sponsored", False):
        html = html.replace('rel="noopener noreferrer"', 'rel="sponsored noopener noreferrer"')
    return mark_safe(html)


@register.simple_tag
def json_ld(data):
    """A schema.org block; <, > and & are escaped so the JSON cannot close the script element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag(takes_context=True)
def share_links(context, article):
    """(name, URL) pairs that share `article` without any third-party script: plain links."""
    request = context["request"]
    with override(article.language):
        url = request.build_absolute_uri(article.get_absolute_url())
    title = article.title
    q = urlencode
    return [
        ("Telegram", f"https://t.me/share/url?{q({'url': url, 'text': title})}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?{q({'u': url})}"),
        ("X", f"https://x.com/intent/post?{q({'url': url, 'text': title})}"),
        ("VK", f"https://vk.com/share.php?{q({'url': url, 'title': title})}"),
        ("WhatsApp", f"https://wa.me/?{q({'text': f'{title} {url}'})}"),
        (_("Email"), f"mailto:?{q({'subject': title, 'body': url}, quote_via=quote)}"),
    ], url
