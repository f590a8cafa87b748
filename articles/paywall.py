"""The paywall: the one place that decides how much of an article a request may receive.

Every output that shows article text (the page, feeds, search snippets, meta descriptions,
structured data, share text, cached pages) asks this module. Hidden blocks are never loaded.

A print-first article is whole for everyone once its embargo has passed (`Article.opens_at`,
articles.embargo); before that, for editors, and for a reader holding an access grant that covers
it, and for a request from the network of an institution with access: the only questions asked of the
readers app are `readers.access.reading_grant` and `reading_institution`.
"""

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Case, F, Prefetch, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from issues.prepared import Prepared
from readers.access import AnyReader, LiveInstitution, grant_line, reading_grant, reading_institution
from readers.models import AccessGrant

from .models import Article, ArticleBlock

# Who `request.user` may be; None where there is no request (letters, the search index).
type AnyUser = User | AnonymousUser | None


def can_preview(user: AnyUser) -> bool:
    """Editors see drafts, scheduled articles and the whole text of print-first articles."""
    return bool(user and user.is_active and user.is_staff and user.has_perm("articles.change_article"))


def is_open_to_everyone(article: Article, now: datetime | None = None) -> bool:
    """True for a free article, and for a print-first one whose embargo has passed."""
    if not article.is_print_first:
        return True
    return article.opens_at is not None and article.opens_at <= (now or timezone.now())


def closed_q(now: datetime | None = None, *, prefix: str = "") -> Q:
    """The articles (through `prefix`, e.g. "article__") that are print-first and not open yet at `now`.

    The database's mirror of `not is_open_to_everyone(article, now)`, for queries over many articles.
    """
    now = now or timezone.now()
    return Q(**{f"{prefix}access": Article.Access.PRINT_FIRST}) & (
        Q(**{f"{prefix}opens_at__isnull": True}) | Q(**{f"{prefix}opens_at__gt": now})
    )


def opened_q(now: datetime | None = None) -> Q:
    """The print-first articles whose embargo has passed at `now` (whole for everyone since)."""
    return Q(access=Article.Access.PRINT_FIRST, opens_at__lte=now or timezone.now())


@dataclass(frozen=True)
class Access:
    """What a request may read of one article: the whole text or the excerpt, and by what right.

    `grant` is the reader's access grant when that is the reason for the whole text (the page says
    so, and the answer is that reader's own: never shared); else `institution`, when the request
    comes from an institution's network (the page names it: never shared either).
    """

    whole: bool
    grant: AccessGrant | None = None
    institution: LiveInstitution | None = None

    @property
    def paywalled(self) -> bool:
        return not self.whole

    @property
    def grant_line(self) -> str:
        """What the page tells the reader of their grant ('Complimentary access'), or ''."""
        return grant_line(self.grant) if self.grant is not None else ""


def article_access(
    article: Article,
    user: AnyUser = None,
    reader: AnyReader = None,
    *,
    institution: LiveInstitution | None = None,
    now: datetime | None = None,
) -> Access:
    """How much of `article` this staff `user` and/or `reader`, from the network of `institution`
    (request.institution), may read at `now` (an Access)."""
    if is_open_to_everyone(article, now) or can_preview(user):
        return Access(whole=True)
    grant = reading_grant(article, reader, now)
    if grant is not None:
        return Access(whole=True, grant=grant)
    institution = reading_institution(article, institution, now)
    return Access(whole=institution is not None, institution=institution)


def is_paywalled(
    article: Article, user: AnyUser = None, reader: AnyReader = None, *, now: datetime | None = None
) -> bool:
    """True when `user`/`reader` (None: anyone) gets only the public excerpt of `article`."""
    return article_access(article, user, reader, now=now).paywalled


def excerpt_blocks(article: Article) -> QuerySet[ArticleBlock]:
    """What anyone may read before the embargo ends: the public blocks of a print-first article, all
    blocks of a free one. The search index of public text is built from these."""
    blocks = whole_blocks(article)
    return blocks[: article.public_block_count] if article.is_print_first else blocks


def whole_blocks(article: Article) -> QuerySet[ArticleBlock]:
    """Every block, in reading order: only for a request whose Access is whole, or for the search index
    that search shows only once the article is open (articles.search.query)."""
    return article.blocks.order_by("position", "id")


def visible_blocks(
    article: Article,
    user: AnyUser = None,
    reader: AnyReader = None,
    *,
    access: Access | None = None,
    now: datetime | None = None,
) -> QuerySet[ArticleBlock]:
    """The blocks of `article` this request may receive, in order; hidden blocks are never loaded.

    Pass the `access` already decided for the request, or the user and reader to decide it now.
    """
    access = access or article_access(article, user, reader, now=now)
    return whole_blocks(article) if access.whole else excerpt_blocks(article)


# What the article page shows of a block (articles_tags.block_html reads these attributes).
PAGE_BLOCK_COLUMNS = ("kind", "body", "image", "image_width", "image_height", "image_alt", "caption")


def whole_block_rows(now: datetime, *, article: int) -> QuerySet:
    return whole_blocks(Article(pk=article)).values(*PAGE_BLOCK_COLUMNS)


# Every block of an article as rows, built and compiled once per process (the whole text's query).
WHOLE_BLOCK_ROWS = Prepared(whole_block_rows)


def page_blocks(article: Article, access: Access) -> list[ArticleBlock | SimpleNamespace]:
    """`visible_blocks` as the article page reads them: light rows of PAGE_BLOCK_COLUMNS, not model
    instances (an image block is one: its image is the field's file). An interview has forty blocks
    or more: their instances cost the page twice what their query did (cold article of 40 blocks)."""
    if access.whole:
        rows = WHOLE_BLOCK_ROWS(article=article.pk)
    else:
        rows = excerpt_blocks(article).values(*PAGE_BLOCK_COLUMNS)
    return [ArticleBlock(**row) if row["image"] else SimpleNamespace(**row) for row in rows]


def excerpt_length(article: Article, now: datetime | None = None) -> int | None:
    """How many blocks, from the top, a reader without access receives; None when it is all of them."""
    return None if is_open_to_everyone(article, now) else article.public_block_count


def preview_cut(article: Article, user: AnyUser) -> int | None:
    """Where an editor's preview marks the end of the public excerpt (a block index), or None."""
    return excerpt_length(article) if can_preview(user) else None


def public_blocks_prefetch(now: datetime | None = None) -> Prefetch:
    """A Prefetch giving each article of a list the blocks `visible_blocks(article)` returns to anyone.

    One query for the whole list (feeds): blocks are numbered in reading order per article and cut
    at a closed print-first article's public block count in the database, so hidden blocks are never
    loaded.
    """
    number = Window(RowNumber(), partition_by=F("article"), order_by=[F("position").asc(), F("id").asc()])
    # 32767, the largest public_block_count, stands for "all blocks" of an article open to everyone.
    limit = Case(
        When(closed_q(now, prefix="article__"), then=F("article__public_block_count")), default=Value(32767)
    )
    blocks = ArticleBlock.objects.alias(number=number, limit=limit).filter(number__lte=F("limit"))
    return Prefetch("blocks", queryset=blocks.order_by("position", "id"), to_attr="_public_blocks")


def public_blocks(article: Article) -> list[ArticleBlock]:
    """The blocks anyone may receive, from `public_blocks_prefetch()` when the list used it."""
    prefetched = getattr(article, "_public_blocks", None)
    return prefetched if prefetched is not None else list(visible_blocks(article))


def public_summary(article: Article, *, words: int = 40) -> str:
    """Plain text safe for anyone: the lead, or the start of the first public block."""
    if article.lead:
        return article.lead
    for block in public_blocks(article):
        if block.body:
            return Truncator(strip_tags(block.body)).words(words)
    return ""


def opened_at(article: Article, now: datetime | None = None) -> datetime | None:
    """When a print-first article opened to everyone, if it has (the sitemap's "changed" moment)."""
    if article.is_print_first and is_open_to_everyone(article, now):
        return article.opens_at
    return None
