"""People: a page per author and interviewee, the index, the sitemap, merging, the data migration."""

import importlib
import json
import re
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.utils import timezone, translation

from articles.models import Article, Author, AuthorAlias
from articles.services import person_merge
from tests.factories import image_file, make_article, make_author, make_issue

pytestmark = pytest.mark.django_db


def json_ld(html):
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def test_a_person_page_shows_name_position_bio_in_the_readers_language_and_their_work(client):
    person = make_author(
        name="Malika Tosheva", position="Economist", bio="O'zbekcha bio.", bio_ru="Русская биография."
    )
    written = make_article(title="Water and trade", authors=[person])
    interview = make_article(title="A talk on borders", interviewee=person)
    make_article(title="Someone else's piece")
    html = client.get(f"/ru/people/{person.slug}/").content.decode()
    assert "Malika Tosheva" in html and "Economist" in html and "Русская биография." in html
    assert "O'zbekcha bio." not in html
    assert written.title in html and interview.title in html and "Someone else" not in html
    assert client.get(f"/uz/people/{person.slug}/").content.decode().count("O&#x27;zbekcha bio.") >= 1


def test_a_person_page_lists_their_work_newest_first(client):
    person = make_author()
    now = timezone.now()
    older = make_article(title="Older piece", authors=[person], publish_at=now - timedelta(days=9))
    newer = make_article(title="Newer piece", interviewee=person, publish_at=now - timedelta(days=1))
    html = client.get(person.get_absolute_url()).content.decode()
    assert html.index(newer.title) < html.index(older.title)


def test_a_person_page_shows_only_what_readers_may_see(client):
    person = make_author()
    make_article(title="Visible piece", authors=[person])
    make_article(title="Draft piece", authors=[person], status=Article.Status.DRAFT)
    make_article(title="Future piece", authors=[person], publish_at=timezone.now() + timedelta(days=1))
    make_article(title="Waiting piece", authors=[person], issue=make_issue(is_published=False))
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Visible piece" in html
    assert "Draft piece" not in html and "Future piece" not in html and "Waiting piece" not in html


def test_a_person_page_shows_one_version_of_a_translated_article_in_the_readers_language(client):
    person = make_author()
    original = make_article(title="Suv diplomatiyasi", language="uz", authors=[person])
    make_article(title="Водная дипломатия", language="ru", translation_of=original)  # names nobody
    html = client.get(f"/ru/people/{person.slug}/").content.decode()
    assert "Водная дипломатия" in html and "Suv diplomatiyasi" not in html
    html = client.get(f"/uz/people/{person.slug}/").content.decode()
    assert "Suv diplomatiyasi" in html and "Водная дипломатия" not in html


def test_a_person_page_has_the_photo_with_its_description_and_person_json_ld(client):
    person = make_author(name="Aziz </script><b>", position="Diplomat", bio="Bio & more")
    person.photo.save("p.jpg", image_file(size=(600, 800)), save=False)
    person.photo_alt = "Portrait of Aziz"
    person.save()
    make_article(authors=[person])
    html = client.get(person.get_absolute_url()).content.decode()
    assert 'alt="Portrait of Aziz"' in html and 'class="person__photo"' in html
    assert "</script><b>" not in html  # escaped in the page and in the JSON-LD
    data = json_ld(html)
    assert data["@type"] == "Person" and data["name"] == "Aziz </script><b>"
    assert data["jobTitle"] == "Diplomat" and data["description"] == "Bio & more"
    assert data["url"] == f"http://testserver/en/people/{person.slug}/" and data["image"].endswith(".webp")


def test_a_photo_without_a_description_is_refused():
    person = make_author()
    person.photo.save("p.jpg", image_file(), save=False)
    with pytest.raises(Exception, match="Describe the photo"):
        person.full_clean()


def test_a_person_without_published_work_and_an_unknown_slug_are_404(client):
    person = make_author()
    make_article(authors=[person], status=Article.Status.DRAFT)
    assert client.get(person.get_absolute_url()).status_code == 404
    assert client.get("/uz/people/nobody-at-all/").status_code == 404
    assert client.get("/uz/people/not a slug!/").status_code == 404


def test_a_bad_page_number_gets_a_real_page_not_an_error(client):
    person = make_author()
    make_article(authors=[person], title="Only piece")
    for page in ("abc", "-1", "99999", "1e9"):
        response = client.get(person.get_absolute_url(), {"page": page})
        assert response.status_code == 200 and "Only piece" in response.content.decode()
    assert client.get("/uz/people/", {"page": "abc"}).status_code == 200


def test_a_person_page_is_paginated(client):
    person = make_author()
    for n in range(25):
        make_article(
            title=f"Piece number {n:02d}", authors=[person], publish_at=timezone.now() - timedelta(hours=n)
        )
    first = client.get(person.get_absolute_url()).content.decode()
    second = client.get(person.get_absolute_url(), {"page": 2}).content.decode()
    assert "Piece number 00" in first and "Piece number 24" not in first
    assert "Piece number 24" in second and 'rel="prev"' in second


@pytest.mark.parametrize("count", [5, 50])
def test_a_person_page_costs_a_fixed_number_of_queries(
    client, settings, django_assert_max_num_queries, count
):
    settings.PAGE_CACHE_SECONDS = 0
    person, other = make_author(), make_author()
    for n in range(count):
        if n % 2:
            make_article(authors=[person, other], tags=["a", "b"], issue=make_issue())
        else:
            make_article(interviewee=person, interviewee_name="X")
    with django_assert_max_num_queries(14):
        assert client.get(person.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_the_index_lists_people_with_published_work_at_a_fixed_cost(
    client, settings, django_assert_max_num_queries, count
):
    settings.PAGE_CACHE_SECONDS = 0
    for n in range(count):
        make_article(authors=[make_author(name=f"Writer {n:03d}")])
    make_article(interviewee=make_author(name="Only interviewed"))
    make_article(authors=[make_author(name="Only drafts")], status=Article.Status.DRAFT)
    make_author(name="Nothing at all")
    with django_assert_max_num_queries(13):
        html = client.get("/ru/people/").content.decode()
    assert "Writer 000" in html and "Only interviewed" in html
    assert "Only drafts" not in html and "Nothing at all" not in html


def test_bylines_and_the_interview_line_link_to_the_peoples_pages(client):
    author, guest = make_author(name="Malika Tosheva"), make_author(name="Rustam Aliyev")
    article = make_article(authors=[author], interviewee=guest, blocks=[("answer", "<p>A.</p>")])
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="/en/people/{author.slug}/">Malika Tosheva</a>' in html
    assert f'href="/en/people/{guest.slug}/">Rustam Aliyev</a>' in html


def test_cards_link_their_people(client):
    author, guest = make_author(name="Card Writer"), make_author(name="Card Guest")
    make_article(authors=[author], tags=["water"])
    make_article(interviewee=guest, tags=["water"])
    html = client.get("/en/tags/water/").content.decode()
    assert f'href="/en/people/{author.slug}/">Card Writer</a>' in html
    assert f'href="/en/people/{guest.slug}/">Card Guest</a>' in html


def test_an_interviewee_fills_the_interviewee_name_and_position_when_they_are_empty():
    guest = make_author(name="Gulnora Saidova", position="Director")
    article = make_article(interviewee=guest)
    assert (article.interviewee_name, article.interviewee_position) == ("Gulnora Saidova", "Director")
    assert article.is_interview
    kept = make_article(interviewee=guest, interviewee_name="G. Saidova", interviewee_position="")
    assert kept.interviewee_name == "G. Saidova" and kept.interviewee_position == "Director"


def test_the_sitemap_lists_people_with_published_work_in_every_language(client):
    person = make_author(slug="malika")
    make_article(authors=[person])
    make_article(authors=[make_author(slug="drafty")], status=Article.Status.DRAFT)
    xml = client.get("/sitemap-people.xml").content.decode()
    for language in ("uz", "ru", "en"):
        assert f"http://testserver/{language}/people/malika/" in xml
    assert "drafty" not in xml and "<lastmod>" in xml
    assert "sitemap-people.xml" in client.get("/sitemap.xml").content.decode()
    assert "http://testserver/ru/people/</loc>" in client.get("/sitemap-pages.xml").content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_the_sitemap_section_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    for _ in range(count):
        make_article(authors=[make_author()], interviewee=make_author())
    """The people in one query; the rest is what every request costs (the moments, the institutions)."""
    with django_assert_max_num_queries(7):
        assert client.get("/sitemap-people.xml").status_code == 200


# --- merging ---------------------------------------------------------------------------------------------


def test_merging_moves_bylines_and_interviews_and_the_old_address_redirects(client):
    kept, merged = (
        make_author(name="Rustam Aliyev", slug="rustam-aliyev"),
        make_author(name="R. Aliyev", slug="r-aliyev", bio="Bio kept from the duplicate."),
    )
    shared = make_article(authors=[kept, merged])
    written = make_article(authors=[merged])
    interview = make_article(interviewee=merged)
    person_merge(merged=merged, into=kept)
    assert not Author.objects.filter(pk=merged.pk).exists()
    assert list(shared.authors.all()) == [kept] and list(written.authors.all()) == [kept]
    interview.refresh_from_db()
    assert interview.interviewee == kept and interview.interviewee_name == "R. Aliyev"
    kept.refresh_from_db()
    assert kept.bio == "Bio kept from the duplicate."
    response = client.get("/ru/people/r-aliyev/")
    assert response.status_code == 301 and response["Location"] == "/ru/people/rustam-aliyev/"


def test_a_person_merged_twice_still_leads_from_the_first_address_to_the_last(client):
    first, second, third = make_author(slug="first"), make_author(slug="second"), make_author(slug="third")
    make_article(authors=[first, second, third])
    person_merge(merged=first, into=second)
    person_merge(merged=second, into=third)
    assert set(AuthorAlias.objects.values_list("slug", "person__slug")) == {
        ("first", "third"),
        ("second", "third"),
    }
    assert client.get("/uz/people/first/")["Location"] == "/uz/people/third/"


def test_the_admin_merges_the_selected_people_into_the_one_chosen(editor_client):
    kept, merged = make_author(name="Kept One"), make_author(name="Merged One")
    article = make_article(authors=[merged])
    selected = {"action": "merge_people", "_selected_action": [kept.pk, merged.pk]}
    confirm = editor_client.post("/admin/articles/author/", selected)
    assert confirm.status_code == 200 and "Merge people" in confirm.content.decode()
    assert Author.objects.count() == 2  # nothing happens before the choice
    response = editor_client.post("/admin/articles/author/", selected | {"into": kept.pk})
    assert response.status_code == 302
    assert list(Author.objects.all()) == [kept] and list(article.authors.all()) == [kept]
    assert AuthorAlias.objects.get().slug == merged.slug


def test_the_admin_merge_refuses_one_person_or_a_choice_outside_the_selection(editor_client):
    one, two, outsider = make_author(), make_author(), make_author()
    response = editor_client.post(
        "/admin/articles/author/", {"action": "merge_people", "_selected_action": [one.pk]}, follow=True
    )
    assert "Select at least two people to merge." in response.content.decode()
    for into in (outsider.pk, "abc", ""):
        response = editor_client.post(
            "/admin/articles/author/",
            {"action": "merge_people", "_selected_action": [one.pk, two.pk], "into": into},
            follow=True,
        )
        assert response.status_code == 200
        assert "Choose the person to keep among the selected." in response.content.decode()
    assert Author.objects.count() == 3


def test_the_article_form_offers_the_interviewee_as_a_person(editor_client):
    html = editor_client.get("/admin/articles/article/add/").content.decode()
    assert 'name="interviewee"' in html and 'name="interviewee_name"' in html


def test_the_person_form_has_photo_and_bios_in_three_languages(editor_client):
    html = editor_client.get("/admin/articles/author/add/").content.decode()
    for field in ("photo", "photo_alt", "bio", "bio_ru", "bio_en"):
        assert f'name="{field}"' in html


# --- the data migration ----------------------------------------------------------------------------------


def link_interviewees():
    module = importlib.import_module("articles.migrations.0010_people_from_interviewees")
    module.link_interviewees(django_apps, None)


def test_the_migration_makes_one_person_per_interviewee_and_reuses_an_author_of_the_same_name():
    author = make_author(name="Aziza Nurmatova", slug="aziza")
    both = make_article(interviewee_name="  Aziza Nurmatova ")
    first = make_article(interviewee_name="Rustam Aliyev", interviewee_position="Director")
    again = make_article(interviewee_name="Rustam Aliyev")
    cyrillic = make_article(interviewee_name="Азиза Нурматова")
    plain = make_article(interviewee_name="")
    updated_at = first.updated_at
    link_interviewees()
    for article in (both, first, again, cyrillic, plain):
        article.refresh_from_db()
    assert both.interviewee == author
    assert first.interviewee == again.interviewee and first.interviewee.position == "Director"
    assert first.interviewee.slug == "rustam-aliyev" and first.updated_at == updated_at
    assert cyrillic.interviewee.slug == "aziza-nurmatova" and plain.interviewee is None
    assert Author.objects.count() == 3
    link_interviewees()  # running it again changes nothing
    assert Author.objects.count() == 3


def test_the_migration_gives_a_new_person_a_free_slug():
    make_author(name="Someone Else", slug="rustam-aliyev")
    article = make_article(interviewee_name="Rustam Aliyev")
    link_interviewees()
    article.refresh_from_db()
    assert article.interviewee.slug == "rustam-aliyev-2" and article.interviewee.name == "Rustam Aliyev"


def test_people_are_translated_where_the_site_is(settings):
    settings.LANGUAGE_CODE = "uz"  # the site's own language, which the untranslated fields are written in
    with translation.override("ru"):
        person = Author(name="X", bio="uz", bio_ru="ru", bio_en="")
        assert (person.bio_display, person.bio_language) == ("ru", "ru")
    with translation.override("en"):
        assert (person.bio_display, person.bio_language) == ("uz", "uz")


def test_the_person_form_shows_the_addresses_merged_into_them(editor_client):
    kept = make_author()
    person_merge(merged=make_author(slug="old-spelling"), into=kept)
    html = editor_client.get(f"/admin/articles/author/{kept.pk}/change/").content.decode()
    assert "former addresses" in html.lower() and "old-spelling" in html


def test_a_new_person_never_takes_the_address_of_someone_merged_away(client):
    kept = make_author(name="Rustam Aliyev", slug="rustam-aliyev")
    make_article(authors=[kept])
    person_merge(merged=make_author(name="R. Aliyev", slug="r-aliyev"), into=kept)
    newcomer = Author.objects.create(name="R Aliyev")
    assert newcomer.slug == "r-aliyev-2"
    assert client.get("/uz/people/r-aliyev/")["Location"] == "/uz/people/rustam-aliyev/"
