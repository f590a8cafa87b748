import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from issues.prepared import executed_sql
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


def make_discussion(article, count):
    """`count` approved comments, every third one a reply, and a few that must stay hidden."""
    comments = []
    for n in range(count):
        parent = comments[n - 1] if n % 3 == 2 and comments[n - 1].depth == 0 else None
        comments.append(make_comment(article=article, parent=parent))
    make_comment(article=article, status=Comment.Status.PENDING)
    make_comment(article=article, status=Comment.Status.SPAM)


def page_queries(client, article):
    """The SQL of one view of the article page, once the per-process caches are warm."""
    client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return [query["sql"] for query in queries]


def comment_queries(queries):
    return [sql for sql in queries if '"comments_comment"' in executed_sql(sql)]


# The first page of threads, their replies and both counts, in one query.
COMMENT_QUERIES = 1


@pytest.fixture
def no_shared_caches(settings):
    """Measure the view itself: no page cache, no fragments."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0
    settings.COMMENTS_MAX_DEPTH = 3


@pytest.mark.parametrize("count", [10, 500])
def test_the_article_page_costs_the_same_with_10_or_500_comments(client, no_shared_caches, count):
    few, busy = make_article(), make_article()
    make_discussion(few, 3)
    make_discussion(busy, count)
    few_queries, busy_queries = page_queries(client, few), page_queries(client, busy)
    assert len(busy_queries) == len(few_queries)
    assert len(comment_queries(busy_queries)) == COMMENT_QUERIES
    assert f"{count} comments" in client.get(busy.get_absolute_url()).content.decode()


def test_waiting_comments_of_this_browser_cost_one_more_query(client, no_shared_caches, post_comment):
    article = make_article()
    make_discussion(article, 10)
    post_comment(client, article, body="Mine, waiting.")
    queries = page_queries(client, article)
    assert len(comment_queries(queries)) == COMMENT_QUERIES + 1
    assert "Mine, waiting." in client.get(article.get_absolute_url()).content.decode()


def test_with_warm_fragments_the_comments_cost_no_query(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article()
    make_discussion(article, 30)
    assert comment_queries(page_queries(client, article)) == []
    assert "30 comments" in client.get(article.get_absolute_url()).content.decode()


def test_an_approved_comment_is_on_the_next_page_view_despite_warm_fragments(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article()
    make_discussion(article, 5)
    page_queries(client, article)
    waiting = make_comment(article=article, status=Comment.Status.PENDING, body="Approved just now.")
    assert "Approved just now." not in client.get(article.get_absolute_url()).content.decode()
    waiting.status = Comment.Status.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        waiting.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Approved just now." in html and "6 comments" in html


def test_a_long_discussion_is_paginated_by_threads(client, settings):
    from comments.models import Comment
    from tests.factories import make_article

    settings.COMMENTS_THREADS_PER_PAGE = 50
    article = make_article()
    Comment.objects.bulk_create(
        Comment(
            article=article,
            author_name=f"R{n}",
            author_email=f"r{n}@example.org",
            body=f"Remark number {n}.",
            status=Comment.Status.APPROVED,
        )
        for n in range(120)
    )
    first = client.get(article.get_absolute_url()).content.decode()
    assert "Remark number 0." in first and "Remark number 49." in first and "Remark number 50." not in first
    assert "cpage=2" in first
    last = client.get(article.get_absolute_url(), {"cpage": "3"}).content.decode()
    assert "Remark number 119." in last and "Remark number 0." not in last
    assert client.get(article.get_absolute_url(), {"cpage": "x' OR 1=1"}).status_code == 200
