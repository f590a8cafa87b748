"""issues.prepared with arguments: compiled once per shape of the arguments, the same rows as the ORM."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.related import NEWEST_RELATED, VERSIONS, group_versions, newest_related
from comments.templatetags.comments_tags import FIRST_PAGE, first_page_query
from issues.prepared import Prepared
from tests.factories import make_article, make_author, make_comment, make_issue, make_section

pytestmark = pytest.mark.django_db


def by_title(now, *, titles, section):
    articles = Article.objects.published(now).filter(title__in=titles)
    if section is not None:
        articles = articles.filter(section=section)
    return articles.order_by("title")


def test_arguments_are_put_in_their_places_and_each_shape_is_compiled_once():
    section, other = make_section(), make_section()
    for title, where in [("A", section), ("B", section), ("C", other), ("D", section)]:
        make_article(title=title, section=where)
    make_article(title="E", section=section, publish_at=timezone.now() + timedelta(days=2))
    prepared = Prepared(by_title)
    cases = [
        (["A", "B"], section.pk),
        (["C", "D"], section.pk),
        (["A", "C"], other.pk),
        (["A", "B", "C"], None),
        (["E", "A"], section.pk),
        ([], None),
    ]
    for now in (timezone.now(), timezone.now() + timedelta(days=3)):
        for titles, where in cases:
            expected = list(by_title(now, titles=titles, section=where))
            assert prepared(now, titles=titles, section=where) == expected
    shapes = {key[3] for key in prepared.compiled}
    assert len(shapes) == 3  # two titles and a section; three titles, no section; no title


def test_an_argument_written_into_the_sql_itself_is_refused():
    make_article()
    sliced = Prepared(lambda now, *, count: Article.objects.published(now).order_by("pk")[:count])
    with pytest.raises(ValueError, match="nothing else"):
        sliced(count=2)


def test_a_number_for_a_positive_field_is_put_in_its_place():
    """A stand-in out of a field's range (a negative year) would make the ORM compile "no row"."""
    old = make_article(title="Old", issue=make_issue(year=2019, number_first=1))
    make_article(title="New", issue=make_issue(year=2024, number_first=1))
    in_year = Prepared(lambda now, *, year: Article.objects.published(now).filter(issue__year=year))
    assert in_year(year=2019) == [old]
    assert in_year(year=1990) == []


def test_a_constant_that_looks_like_a_stand_in_is_refused():
    make_article()
    odd = Prepared(lambda now, *, pk: Article.objects.filter(pk=pk) | Article.objects.filter(pk=10_000))
    with pytest.raises(ValueError, match="nothing else"):
        odd(pk=3)


def test_other_argument_types_are_refused():
    with pytest.raises(TypeError, match="argument"):
        Prepared(by_title)(titles=[object()], section=None)


def test_related_reading_rows_are_the_orms_own():
    section = make_section()
    author = make_author()
    article = make_article(section=section, tags=["water"], authors=[author])
    for n in range(6):
        make_article(title=f"Same section {n}", section=section)
        make_article(title=f"Same tag {n}", tags=["water"])
        make_article(title=f"Same author {n}", authors=[author])
    original = make_article(title="Original", tags=["water"])
    make_article(title="Translation", translation_of=original, language="ru")
    make_article(title="Unrelated")
    arguments = {"tags": [t.pk for t in article.tags.all()], "section": section.pk, "people": [author.pk]}
    for root in (article.pk, original.pk):
        now = timezone.now()
        roots = NEWEST_RELATED(now, root=root, **arguments)
        assert roots == list(newest_related(now, root=root, **arguments)) and len(roots) > 10
        expected = sorted(group_versions(now, roots=roots), key=lambda row: row["id"])
        rows = sorted(VERSIONS(now, roots=roots), key=lambda row: row["id"])
        assert rows == expected and len(rows) >= len(set(roots))
        # A group's translation comes with its original; the article's own group never does.
        assert ("Translation" in {row["title"] for row in rows}) == (root == article.pk)
        assert all(row["publish_at"].tzinfo is not None for row in rows)


def test_the_comment_page_query_is_the_orms_own_and_follows_the_settings(settings):
    article = make_article()
    threads = [make_comment(article=article, body=f"Thread {n}") for n in range(5)]
    reply = make_comment(article=article, parent=threads[0], body="A reply")
    make_comment(article=article, parent=reply, body="A reply to it")
    waiting = make_comment(article=article, status="pending", body="Mine")

    def same(own):
        expected = list(first_page_query(timezone.now(), article=article.pk, own=own))
        rows = FIRST_PAGE(article=article.pk, own=own)
        assert [(c.pk, c.body, c.approved_total, c.threads_total) for c in rows] == [
            (c.pk, c.body, c.approved_total, c.threads_total) for c in expected
        ]
        return rows

    assert len(same([])) == 7
    assert waiting.pk in {c.pk for c in same([waiting.pk])}
    settings.COMMENTS_THREADS_PER_PAGE = 2
    assert {c.parent_id for c in same([])} == {None, threads[0].pk, reply.pk}
    assert len([c for c in same([]) if c.parent_id is None]) == 2


def test_joined_rows_annotations_and_prefetches_load_as_the_orm_loads_them(django_assert_num_queries):
    from django.db.models import Count

    section = make_section(name="Tahlil")
    for n in range(3):
        make_article(title=f"Joined {n}", section=section, tags=["water", f"tag-{n}"])

    def build(now, *, section):
        return (
            Article.objects.published(now)
            .filter(section=section)
            .select_related("section")
            .annotate(tag_count=Count("tagged_items", distinct=True))
            .prefetch_related("tags")
            .order_by("title")
        )

    prepared = Prepared(build)
    expected = list(build(timezone.now(), section=section.pk))
    prepared(section=section.pk)  # compiled
    with django_assert_num_queries(2):  # the articles with their section, then the tags' prefetch
        rows = prepared(section=section.pk)
        assert [(a.pk, a.section.name, a.tag_count, sorted(t.name for t in a.tags.all())) for a in rows] == [
            (a.pk, a.section.name, a.tag_count, sorted(t.name for t in a.tags.all())) for a in expected
        ]


def test_a_query_compiled_in_one_thread_runs_on_the_connection_of_another():
    """The development server and the browser tests' live server answer in threads: each runs a
    prepared query on its own connection, whichever thread compiled it."""
    import threading

    from django.db import connections

    prepared = Prepared(lambda now, *, section: Article.objects.published(now).filter(section=section))
    assert prepared(section=1) == []  # compiled in this thread
    answers = []

    def in_another_thread():
        try:
            answers.append(prepared(section=1))
        finally:
            connections.close_all()  # a thread's own connections (SQLite's in-memory one stays open)

    thread = threading.Thread(target=in_another_thread)
    thread.start()
    thread.join()
    assert answers == [[]]
