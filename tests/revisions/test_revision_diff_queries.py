"""The comparison page reads the rows that foreign keys and many-to-many fields name once per model,
however many of them changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revisions.models import Revision
from revisions.snapshots import revision_create
from tests.factories import make_article, make_author, make_issue, make_section

pytestmark = pytest.mark.django_db

BLOCKS = [("question", "<p>What changed?</p>"), ("answer", "<p>Trade found new roads.</p>")]


def changed_article(people, *, everything=True):
    """An article with a revision, then changed in its issue and (if `everything`) its section,
    interviewee, original and authors (`people` of them); (article, the revision)."""
    article = make_article(blocks=BLOCKS, authors=[make_author(name="Zarina")])
    revision_create(obj=article, user=None, related=("blocks",))
    article.issue = make_issue()
    if everything:
        article.section = make_section()
        article.interviewee, article.translation_of = make_author(name="Interviewee"), make_article()
    article.save()
    if everything:
        article.authors.set([make_author(name=f"Author {number}") for number in range(people)])
    return article, Revision.objects.for_object(article).first()


def page_queries(client, article, revision):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/admin/articles/article/{article.pk}/revisions/{revision.pk}/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_comparison_names_every_related_row(editor_client):
    article, revision = changed_article(people=3)
    html, _count = page_queries(editor_client, article, revision)
    assert "<del>Zarina</del>" in html and "0, Author 1, Author 2</ins>" in html
    assert "<ins>Interviewee</ins>" in html
    assert f"<ins>{article.issue.label}</ins>" in html and f"<ins>{article.section}</ins>" in html
    assert f"<ins>{article.translation_of}</ins>" in html


def test_the_comparison_does_not_query_per_related_row(editor_client, django_assert_max_num_queries):
    warm, warm_revision = changed_article(people=1)
    page_queries(editor_client, warm, warm_revision)  # the first page fills the content types' cache
    issue_only, issue_only_revision = changed_article(people=0, everything=False)
    _html, issue_only_count = page_queries(editor_client, issue_only, issue_only_revision)
    few, few_revision = changed_article(people=1)
    _html, few_count = page_queries(editor_client, few, few_revision)
    many, many_revision = changed_article(people=8)
    _html, many_count = page_queries(editor_client, many, many_revision)
    # One query more per related model (sections, articles, people: the interviewee and the authors,
    # before and after, together), however many rows and fields name them.
    assert few_count == many_count == issue_only_count + 3
    with django_assert_max_num_queries(14):
        editor_client.get(f"/admin/articles/article/{many.pk}/revisions/{many_revision.pk}/")
