"""Admin breadcrumbs name each level once: no "Articles › Articles"."""

import re

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def crumbs(html):
    trail = re.search(r'<ol class="breadcrumbs">(.*?)</ol>', html, re.DOTALL).group(1)
    return [
        " ".join(re.sub(r"<[^>]+>", "", item).split())
        for item in re.findall(r"<li.*?</li>", trail, re.DOTALL)
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/admin/articles/article/", ["Home", "Articles"]),
        ("/admin/articles/article/add/", ["Home", "Articles", "Add article"]),
        ("/admin/articles/author/", ["Home", "Articles", "People"]),
        ("/admin/comments/comment/", ["Home", "Comments"]),
    ],
)
def test_the_app_is_left_out_when_it_would_repeat_the_list(editor_client, url, expected):
    assert crumbs(editor_client.get(url).content.decode()) == expected


def test_the_change_delete_history_and_revision_pages_do_not_repeat_either(editor_client):
    article = make_article(title="Suv diplomatiyasi")
    base = f"/admin/articles/article/{article.pk}"
    assert crumbs(editor_client.get(f"{base}/change/").content.decode()) == [
        "Home",
        "Articles",
        "Suv diplomatiyasi",
    ]
    assert crumbs(editor_client.get(f"{base}/delete/").content.decode())[:3] == [
        "Home",
        "Articles",
        "Suv diplomatiyasi",
    ]
    assert crumbs(editor_client.get(f"{base}/history/").content.decode())[:3] == [
        "Home",
        "Articles",
        "Suv diplomatiyasi",
    ]
    assert crumbs(editor_client.get(f"{base}/revisions/").content.decode())[:3] == [
        "Home",
        "Articles",
        "Suv diplomatiyasi",
    ]


def test_taggits_app_reads_tags_in_russian_and_is_not_repeated(editor_client):
    html = editor_client.get("/admin/taggit/tag/", headers={"accept-language": "ru"}).content.decode()
    assert crumbs(html) == ["Главная", "Теги"]
