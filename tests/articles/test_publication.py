from datetime import timedelta
from itertools import product

import pytest
from django.utils import timezone

from articles.models import Article
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
