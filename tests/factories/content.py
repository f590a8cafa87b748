"""The magazine's content for tests: issues, sections, people, articles, events and comments.

Every factory takes keyword overrides for any model field; the defaults make a valid, published row.
"""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article, ArticleBlock, Author
from issues.models import Event, Issue, Section
from tests.factories._sequence import next_number


def make_issue(*, article_count=0, **overrides):
    # A number no issue of the test holds yet: a long run's counter reaches the years tests name
    # themselves (a default issue once collided with a test's `make_issue(year=2025, number_first=2)`).
    while True:
        n = next_number()
        fields = {"year": 1950 + n // 50, "number_first": 1 + n % 50, "is_published": True}
        if not Issue.objects.filter(year=fields["year"], number_first=fields["number_first"]).exists():
            break
    issue = Issue.objects.create(**fields | overrides)
    for _ in range(article_count):
        make_article(issue=issue)
    return issue


def make_section(**overrides):
    n = next_number()
    return Section.objects.create(
        **{"name": f"Section {n}", "slug": f"section-{n}", "position": n} | overrides
    )


def make_author(**overrides):
    n = next_number()
    return Author.objects.create(**{"name": f"Author {n}", "slug": f"author-{n}"} | overrides)


def make_article(*, blocks=(), tags=(), authors=(), **overrides):
    """An article, published yesterday unless overridden; `blocks` is a list of (kind, html)."""
    n = next_number()
    fields = {
        "title": f"Article {n}",
        "slug": f"article-{n}",
        # No number in the lead: a search for a number would find every article whose count starts so.
        "lead": "The lead of an article.",
        "status": Article.Status.PUBLISHED,
        "publish_at": timezone.now() - timedelta(days=1),
    }
    article = Article.objects.create(**fields | overrides)
    for position, (kind, body) in enumerate(blocks, start=1):
        ArticleBlock.objects.create(article=article, position=position, kind=kind, body=body)
    if tags:
        article.tags.add(*tags)
    if authors:
        article.authors.add(*authors)
    return article


def make_print_first(
    *, public=("<p>Public opening words.</p>",), hidden=("<p>HIDDENMARKER text.</p>",), **overrides
):
    """A print-first interview whose hidden blocks hold the word HIDDENMARKER."""
    blocks = [("question", html) for html in public] + [("answer", html) for html in hidden]
    return make_article(
        access=Article.Access.PRINT_FIRST,
        public_block_count=len(public),
        interviewee_name="Dilnoza Karimova",
        blocks=blocks,
        **overrides,
    )


def make_interview(**overrides):
    """The interview the approval tests send: three blocks, the third hidden online (HIDDENMARKER)."""
    fields = {
        "title": "Water diplomacy",
        "interviewee_name": "Aziza Nurmatova",
        "access": Article.Access.PRINT_FIRST,
        "public_block_count": 1,
        "blocks": [
            ("question", "<p>What changed this year?</p>"),
            ("answer", "<p>Trade found <b>new</b> roads.</p>"),
            ("answer", "<p>HIDDENMARKER The rest is in print.</p>"),
        ],
    }
    return make_article(**fields | overrides)


def make_event(*, in_days=3, **overrides):
    """A published event `in_days` days from now (negative: in the past)."""
    n = next_number()
    fields = {"title": f"Event {n}", "starts_at": timezone.now() + timedelta(days=in_days)}
    return Event.objects.create(**fields | overrides)


def make_comment(*, article=None, **overrides):
    """A comment, approved unless overridden; depth follows `parent`."""
    from comments.models import Comment

    n = next_number()
    parent = overrides.get("parent")
    fields = {
        "article": article or (parent.article if parent else None) or make_article(),
        "author_name": f"Reader {n}",
        "author_email": f"reader{n}@example.com",
        "body": f"Comment number {n}.",
        "status": Comment.Status.APPROVED,
        "depth": parent.depth + 1 if parent else 0,
    }
    return Comment.objects.create(**fields | overrides)
