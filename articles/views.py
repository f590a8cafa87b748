from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, override
from taggit.models import Tag, TaggedItem

from issues.pagination import lazy_paginate, paginate_known
from issues.prepared import Prepared
from readers.sessions import SESSION_KEY
from sitecache import depends_on, fragments, listed, mark_private, remember, shared_page

from .cards import Cards
from .forms import SearchForm
from .models import SEARCH_COLUMNS, Article, Author
from .paywall import article_access, can_preview, page_blocks, preview_cut, public_summary
from .rows import in_order, keep_prefetched, rows_of
from .search.query import MAX_RANKED, found_keys, ranked_page
from .search.snippets import snippet
from .search.words import MAX_QUERY_LENGTH
from .structured_data import article_json_ld


def language_urls(article):
    """The switcher's target in every language, and the hreflang alternates (real versions only).

    The switcher leads to the translation where one is published; otherwise to that language's
    version of the nearest page: the article's issue, its section, or the home page.
    """
    versions = {}
    # An original that no published translation names is its only version: nothing to ask.
    if article.translation_of_id or getattr(article, "has_translations", True):
        # Only what a link needs: the search columns of a version are its whole text again.
        versions = article.versions().published().only("slug", "language", "translation_of_id")
        versions = {version.language: version for version in versions}
    versions[article.language] = article
    switcher, alternates = {}, {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            if code in versions:
                switcher[code] = alternates[code] = versions[code].get_absolute_url()
            elif article.issue_id and article.issue.is_published:
                switcher[code] = article.issue.get_absolute_url()
            elif article.section_id:
                switcher[code] = article.section.get_absolute_url()
            else:
                switcher[code] = reverse("magazine:home")
    return switcher, alternates


# What the page shows of an article's authors and tags (in each model's field order), read with the
# article in its own query (articles.rows): ordered as `prefetch_related` ordered them.
AUTHOR_COLUMNS = ("id", "name", "slug")
TAG_COLUMNS = ("id", "name", "slug")


def article_query(articles):
    """`articles` with what the article page shows of one: its issue, section and interviewee joined,
    its authors (by name) and tags (by their primary key, the order their prefetch query gave) as
    JSON rows (articles.rows), and whether a translation names it."""
    authored = Article.authors.through.objects
    tagged = TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(Article))
    return (
        articles.select_related("issue", "section", "interviewee")
        .defer(*SEARCH_COLUMNS)  # the indexed texts: the whole text again, never shown
        .annotate(
            # Whether any translation names it (published or not: language_urls asks which are, only
            # then); the publication rule here cost more to plan than the rest of the query.
            has_translations=Exists(Article.objects.filter(translation_of=OuterRef("pk"))),
            author_rows=rows_of(
                authored, "article", ["author_id", "author__name", "author__slug"], "author__name"
            ),
            tag_rows=rows_of(tagged, "object_id", ["tag_id", "tag__name", "tag__slug"], "tag_id"),
        )
    )


# What a reader may see of an article, by its slug: built and compiled once per process.
PUBLISHED_ARTICLE = Prepared(
    lambda now, *, slug: article_query(Article.objects.published(now)).filter(slug=slug)
)


def load_article(slug, *, preview=False):
    """The article with what its page shows of it: (article, switcher URLs, hreflang URLs, summary).

    One query (article_query): a published article for a reader, any article for an editor's
    `preview`. The authors and tags are kept as `prefetch_related` keeps them. Http404 if none.
    """
    if preview:
        found = list(article_query(Article.objects.all()).filter(slug=slug))
    else:
        found = PUBLISHED_ARTICLE(slug=slug)
    if not found:
        raise Http404("No article here.")
    article = found[0]
    authors = in_order(article.author_rows, 1)
    keep_prefetched(article, "authors", Author, AUTHOR_COLUMNS, authors)
    keep_prefetched(article, "tags", Tag, TAG_COLUMNS, in_order(article.tag_rows, 0))
    del article.author_rows, article.tag_rows
    return article, *language_urls(article), public_summary(article)


def reader_article(slug):
    """What every reader gets of the article `slug`, kept until the content changes (a missing article
    is not kept): load_article's (article, switcher URLs, hreflang URLs, summary)."""
    return remember(f"article:{slug}", lambda: load_article(slug))


def article_detail(request, slug):
    editor_view = can_preview(request.user)
    loaded = load_article(slug, preview=True) if editor_view else reader_article(slug)
    access = article_access(
        loaded[0], request.user, request.reader, institution=getattr(request, "institution", None)
    )
    if access.grant is not None:
        # The whole text by a reader's right: private (no proxy keeps it), and one page for every
        # reader whose grant is told alike (sitecache.shared_page).
        return shared_page(
            request,
            [access.grant_line],
            # The page is made from the article as remembered (again: its topics are the page's too).
            lambda: article_page(request, reader_article(slug), access, editor_view),
            session_keys=[SESSION_KEY],
        )
    if access.institution is not None:
        mark_private(request)  # the whole text by an institution's right: never shared
        request.institution_read = access.institution  # counted by institutions.middleware
    return article_page(request, loaded, access, editor_view)


def article_page(request, loaded, access, editor_view):
    """The page of a `loaded` article (load_article), showing what `access` opens of it."""
    article, translation_urls, hreflang_urls, summary = loaded
    # Whom the paywall note speaks to: part of the shared fragment's key, never a reader's own data.
    note_for = ("reader" if request.reader.is_authenticated else "anonymous") if access.paywalled else ""
    context = {
        "article": article,
        "translation_urls": translation_urls,
        "hreflang_urls": hreflang_urls,
        # Loaded only if the article's text is not among the shared fragments ({% fragment "article" %}).
        "blocks": lambda: page_blocks(article, access),
        "paywalled": access.paywalled,
        "access_grant": access.grant,
        "access_institution": access.institution,
        "note_for": note_for,
        "summary": summary,
        "json_ld": lambda: article_json_ld(article, request),  # built on a fragment miss only
        "is_preview": not article.is_published(),
        "editor_view": editor_view,
        "cut": preview_cut(article, request.user),
    }
    response = render(request, "articles/article_detail.html", context)
    if context["is_preview"] or editor_view:
        add_never_cache_headers(response)
    return response


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    articles = Article.objects.published().for_language(get_language()).for_cards().filter(tags=tag)
    page, articles = lazy_paginate(
        request, articles.order_by("other_language", "-publish_at", "-id"), 20, counted=True
    )
    context = {"tag": tag, "page": page, "articles": articles, "list_topic": listed(f"list:tag:{tag.pk}")}
    return render(request, "articles/tag_detail.html", context)


def sponsored_list(request):
    articles = Article.objects.published().for_language(get_language()).for_cards().filter(is_sponsored=True)
    page, articles = lazy_paginate(
        request, articles.order_by("other_language", "-publish_at", "-id"), 20, counted=True
    )
    context = {"page": page, "articles": articles, "list_topic": listed("list:sponsored")}
    return render(request, "articles/sponsored_list.html", context)


def search(request):
    """Search results: one query for the matches; cards are shared fragments, snippets are the query's."""
    depends_on("search", "list:all")
    form = SearchForm(request.GET)
    query, year, section = form.search_params()
    language = get_language()
    keys = found_keys(query, language=language, year=year, section=section) if query else []
    # The texts snippets quote come with the page's rows (only the page's are read from the table).
    page = paginate_known(
        request,
        len(keys),
        20,
        lambda offset, limit: ranked_page(query, language=language, keys=keys, offset=offset, limit=limit),
    )
    rows = list(page.object_list)
    cards = fragments(request, "search-card", [row["pk"] for row in rows], render_cards)
    results = [
        {
            "card": mark_safe(cards[row["pk"]]),
            "language": row["language"],
            "snippet": snippet(row["shown_text"], query),
        }
        for row in rows
    ]
    context = {
        "form": form,
        "query": query,
        "page": page,
        "results": results,
        "max_length": MAX_QUERY_LENGTH,
        "more_than": MAX_RANKED if page.paginator.count > MAX_RANKED else None,
    }
    return render(request, "articles/search.html", context)


def render_cards(pks):
    """{pk: (the card of a search result, the topics it shows of its own)} for these articles, loaded
    in one go (articles.cards)."""
    cards = Cards()
    rows = cards.rows(Article.objects.filter(pk__in=pks).for_cards())
    return {row.pk: (cards.result_card(row), cards.topics[row.pk]) for row in rows}
