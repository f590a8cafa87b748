"""The comment section through the shared caches: cached pages, comment threads and the blank form."""

import re
import time
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

import comments.forms
from comments.models import Comment
from comments.templatetags.comments_tags import CommentSection
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy", "Content-Language")


def comment_form(html):
    start = html.index('<form class="comment-form"')
    return html[start : html.index("</form>", start)]


def input_value(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def test_a_cached_page_keeps_its_security_headers_and_its_comment_form_posts_for_a_new_visitor(
    settings, monkeypatch
):
    article = make_article()
    url = article.get_absolute_url()
    miss = Client(enforce_csrf_checks=True).get(url)
    assert miss["X-Page-Cache"] == "miss"
    visitor = Client(enforce_csrf_checks=True)
    hit = visitor.get(url)
    assert hit["X-Page-Cache"] == "hit"
    for header in SECURITY_HEADERS:
        assert hit[header] == miss[header]
    cookie = settings.CSRF_COOKIE_NAME
    assert hit.cookies[cookie].value and hit.cookies[cookie].value != miss.cookies[cookie].value
    form = comment_form(hit.content.decode())
    token = input_value(form, "csrfmiddlewaretoken")
    assert token != input_value(comment_form(miss.content.decode()), "csrfmiddlewaretoken")
    assert "__csrf_token__" not in hit.content.decode()
    later = time.time() + 60  # the visitor takes a minute to write: past the time trap
    monkeypatch.setattr(comments.forms, "time", SimpleNamespace(time=lambda: later))
    data = {
        "csrfmiddlewaretoken": token,
        "rendered_at": input_value(form, "rendered_at"),
        "author_name": "Aziz Karimov",
        "author_email": "aziz@example.com",
        "author_url": "",
        "body": "Posted from a cached page.",
        "homepage": "",
        "parent": "",
    }
    response = visitor.post(reverse("comments:post", kwargs={"slug": article.slug}), data)
    assert response.status_code == 302 and response["Location"].endswith("#comment-pending")
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert "Posted from a cached page." in visitor.get(url).content.decode()


def test_a_cached_page_fits_the_csrf_cookie_the_visitor_already_has(settings, post_comment):
    article = make_article()
    Client().get(article.get_absolute_url())
    visitor = Client(enforce_csrf_checks=True)
    visitor.get("/en/contacts/")  # another page with a form gave this browser its CSRF cookie
    cookie = visitor.cookies[settings.CSRF_COOKIE_NAME].value
    response = visitor.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    assert response.cookies[settings.CSRF_COOKIE_NAME].value == cookie  # renewed, not replaced
    token = input_value(comment_form(response.content.decode()), "csrfmiddlewaretoken")
    assert post_comment(visitor, article, csrfmiddlewaretoken=token).status_code == 302


@pytest.mark.parametrize("warm_first", [True, False], ids=["fragment-warm", "fragment-cold"])
def test_a_waiting_comment_is_shown_to_its_author_only_whatever_the_shared_threads(
    settings, post_comment, warm_first
):
    settings.PAGE_CACHE_SECONDS = 0  # the threads come from the fragment cache
    article = make_article()
    make_comment(article=article, body="A public remark.")
    author, other = Client(), Client()
    if warm_first:
        assert "A public remark." in other.get(article.get_absolute_url()).content.decode()
    post_comment(author, article, body="Mine, still waiting.")
    html = author.get(article.get_absolute_url()).content.decode()
    assert "Mine, still waiting." in html and 'id="comment-pending"' in html and "A public remark." in html
    for reader in (other, Client()):
        html = reader.get(article.get_absolute_url()).content.decode()
        assert "A public remark." in html
        assert "Mine, still waiting." not in html and 'id="comment-pending"' not in html


def test_other_query_parameters_neither_break_comment_pages_nor_mix_them(settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.COMMENTS_THREADS_PER_PAGE = 2
    article = make_article()
    for n in range(5):
        make_comment(article=article, body=f"Remark number {n}.")
    url = article.get_absolute_url()
    reader = Client()

    def page(query):
        return reader.get(f"{url}{query}").content.decode()

    tracked_first = page("?utm_source=x")
    assert "Remark number 0." in tracked_first and "Remark number 2." not in tracked_first
    assert "?utm_source=x&amp;cpage=2#comments" in tracked_first
    tracked_second = page("?utm_source=x&cpage=2")
    assert "Remark number 2." in tracked_second and "Remark number 0." not in tracked_second
    assert "?utm_source=x&amp;cpage=1#comments" in tracked_second
    assert "?utm_source=x&amp;cpage=3#comments" in tracked_second
    plain_first = page("")
    assert "Remark number 0." in plain_first and "Remark number 2." not in plain_first
    assert '"?cpage=2#comments"' in plain_first and "utm_source" not in plain_first
    plain_second = page("?cpage=2")
    assert "Remark number 2." in plain_second and "utm_source" not in plain_second
    assert "Remark number 4." in page("?cpage=3&utm_source=x")


@pytest.mark.parametrize("page_cache_seconds", [0, 3600], ids=["fragment", "page-cache"])
def test_a_comment_cannot_make_a_shared_page_show_the_readers_csrf_token(settings, page_cache_seconds):
    """Only a whole name/value pair of a form field is made fresh, never a look-alike in escaped text."""
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    article = make_article()
    make_comment(article=article, body="Sources: https://evil.example/?t=__csrf_token__")
    make_comment(article=article, body='Look: name="csrfmiddlewaretoken" value="stolen"')
    Client().get(article.get_absolute_url())
    html = Client().get(article.get_absolute_url()).content.decode()
    assert 'href="https://evil.example/?t=__csrf_token__"' in html
    assert "Look: name=&quot;csrfmiddlewaretoken&quot; value=&quot;stolen&quot;" in html


def test_the_blank_comment_form_is_one_piece_for_every_article_and_posts_to_the_article_shown(
    settings, monkeypatch
):
    settings.PAGE_CACHE_SECONDS = 0
    first, second = make_article(), make_article()
    made, make_form = [], CommentSection.make_form

    def counted(section):
        made.append(section)
        return make_form(section)

    monkeypatch.setattr(CommentSection, "make_form", counted)
    Client().get(first.get_absolute_url())
    assert len(made) == 1  # the first article's page rendered the blank form
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(second.get_absolute_url()).content.decode()
    assert len(made) == 1  # the second's took the kept one: no form was made for it
    form = comment_form(html)
    assert f'action="{reverse("comments:post", kwargs={"slug": second.slug})}"' in form
    later = time.time() + 60  # past the time trap
    monkeypatch.setattr(comments.forms, "time", SimpleNamespace(time=lambda: later))
    data = {
        "csrfmiddlewaretoken": input_value(form, "csrfmiddlewaretoken"),
        "rendered_at": input_value(form, "rendered_at"),
        "author_name": "Malika Yusupova",
        "author_email": "malika@example.com",
        "author_url": "",
        "body": "Posted from the kept blank form.",
        "homepage": "",
        "parent": "",
    }
    response = visitor.post(reverse("comments:post", kwargs={"slug": second.slug}), data)
    assert response.status_code == 302
    assert Comment.objects.get().article == second
