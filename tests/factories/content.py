"""Small keyword-override helpers that make objects for tests."""

import importlib
import io
import itertools
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleBlock, Author
from magazine.models import Issue, Section

_seq = itertools.count(1)


def image_file(name="cover.jpg", *, size=(1200, 1600), color=(140, 28, 19), fmt="JPEG", exif=None):
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, format=fmt, **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def make_issue(*, article_count=0, **overrides):
    n = next(_seq)
    fields = {"year": 1950 + n // 50, "number_first": 1 + n % 50, "is_published": True}
    issue = Issue.objects.create(**fields | overrides)
    for _ in range(article_count):
        make_article(issue=issue)
    return issue


def make_section(**overrides):
    n = next(_seq)
    return Section.objects.create(
        **{"name": f"Section {n}", "slug": f"section-{n}", "position": n} | overrides
    )


def make_author(**overrides):
    n = next(_seq)
    return Author.objects.create(**{"name": f"Author {n}", "slug": f"author-{n}"} | overrides)


def make_article(*, blocks=(), tags=(), authors=(), **overrides):
    """An article, published yesterday unless overridden; `blocks` is a list of (kind, html)."""
    n = next(_seq)
    fields = {
        "title": f"Article {n}",
        "slug": f"article-{n}",
        "lead": f"Lead of article {n}.",
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


ROLE_MIGRATIONS = [
    ("articles.migrations.0002_editors_group", "create_editors"),
    ("magazine.migrations.0003_editors_manage_events", "grant"),
    ("comments.migrations.0002_moderators_group", "grant"),
    ("subscriptions.migrations.0002_groups", "grant"),
    ("articles.migrations.0008_embargo_and_whole_text_search", "grant"),
    ("readers.migrations.0002_subscriber_managers", "grant"),
    ("issuecodes.migrations.0002_subscriber_managers", "grant"),
    ("printsubscribers.migrations.0002_subscriber_managers", "grant"),
    ("institutions.migrations.0002_subscriber_managers", "grant"),
    ("reach.migrations.0002_editors", "grant"),
]


def ensure_roles():
    """The groups the data migrations create; transactional tests flush them, so make them again."""
    from django.apps import apps

    for module, function in ROLE_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


def make_user(*, groups=(), **overrides):
    n = next(_seq)
    user = User.objects.create_user(**{"username": f"user{n}", "password": "pw-for-tests-123"} | overrides)
    if groups and Group.objects.filter(name__in=groups).count() < len(set(groups)):
        ensure_roles()
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def make_editor(**overrides):
    return make_user(groups=["Editors"], is_staff=True, **overrides)


def make_comment(*, article=None, **overrides):
    """A comment, approved unless overridden; depth follows `parent`."""
    from comments.models import Comment

    n = next(_seq)
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


def make_reader(**overrides):
    """A reader who has signed in before (a verified address)."""
    from readers.models import Reader

    n = next(_seq)
    fields = {"email": f"reader{n}@example.org", "language": "en", "verified_at": timezone.now()}
    return Reader.objects.create(**fields | overrides)


def make_grant(*, reader=None, issues=(), **overrides):
    """A complimentary grant, from yesterday with no end unless overridden; `issues` makes it per issue."""
    from readers.models import AccessGrant

    fields = {
        "reader": reader or make_reader(),
        "starts_at": timezone.now() - timedelta(days=1),
        "scope": AccessGrant.Scope.ISSUES if issues else AccessGrant.Scope.EVERYTHING,
    }
    grant = AccessGrant.objects.create(**fields | overrides)
    if issues:
        grant.issues.set(issues)
    return grant
