from datetime import timedelta
from itertools import product
from operator import itemgetter
from types import SimpleNamespace

import pytest
from django.utils import timezone

from articles.models import Article, kept_versions, versions_for_language
from tests.factories import make_article, make_issue

pytestmark = pytest.mark.django_db


def test_scheduled_article_appears_once_its_time_passes():
    article = make_article(publish_at=timezone.now() + timedelta(hours=1))
    assert article not in Article.objects.published()
    assert article in Article.objects.published(now=timezone.now() + timedelta(hours=2))


def test_draft_is_not_published():
    assert make_article(status=Article.Status.DRAFT) not in Article.objects.published()


def test_published_article_in_an_unpublished_issue_is_hidden():
    article = make_article(issue=make_issue(is_published=False))
    assert article not in Article.objects.published()


def test_publishing_without_a_time_means_now():
    article = make_article(publish_at=None)
    assert article.publish_at is not None and article.publish_at <= timezone.now()


def test_is_published_agrees_with_the_queryset_in_every_state():
    now = timezone.now()
    issues = [None, make_issue(is_published=True), make_issue(is_published=False)]
    times = [now - timedelta(days=1), now + timedelta(days=1)]
    for issue, status, when in product(issues, Article.Status.values, times):
        article = make_article(issue=issue, status=status, publish_at=when)
        in_queryset = Article.objects.published(now=now).filter(pk=article.pk).exists()
        assert article.is_published(now=now) == in_queryset, (issue, status, when)


def test_slug_is_made_from_a_cyrillic_title_and_kept_unique():
    first = make_article(title="Безопасность Центральной Азии", slug="")
    second = make_article(title="Безопасность Центральной Азии", slug="")
    assert first.slug == "bezopasnost-tsentralnoy-azii"
    assert second.slug == "bezopasnost-tsentralnoy-azii-2"


def test_uzbek_apostrophes_do_not_break_the_slug():
    assert make_article(title="O‘zbekiston va qo'shnilar", slug="").slug == "ozbekiston-va-qoshnilar"


def test_the_one_version_rule_on_loaded_rows():
    """kept_versions: of each version group, the reader's language's rows if it has any, else all of
    them; versions_for_language orders the same rows (the reader's language first, newest first)."""
    # (pk, language, translation_of_id): group 1 has a Russian version, group 4 none, 6 stands alone.
    rows = [(1, "uz", None), (2, "ru", 1), (3, "en", 1), (4, "uz", None), (5, "en", 4), (6, "en", None)]
    kept = kept_versions(rows, "ru", group=lambda row: row[2] or row[0], language_of=itemgetter(1))
    assert sorted(row[0] for row in kept) == [2, 4, 5, 6]
    kept = kept_versions(rows, "en", group=lambda row: row[2] or row[0], language_of=itemgetter(1))
    assert sorted(row[0] for row in kept) == [3, 5, 6]

    now = timezone.now()
    articles = [
        SimpleNamespace(pk=pk, language=language, translation_of_id=root, publish_at=now - timedelta(days=pk))
        for pk, language, root in rows
    ]
    assert [a.pk for a in versions_for_language(articles, "ru")] == [2, 4, 5, 6]
    assert [a.pk for a in versions_for_language(articles, "uz")] == [1, 4, 6]
