import pytest
from django.core.exceptions import ValidationError

from articles.models import Article
from tests.factories import make_article, make_issue, make_print_first, make_section

pytestmark = pytest.mark.django_db


def test_root_follows_the_browsers_preferred_language(client, settings):
    settings.LANGUAGE_CODE = "uz"  # the site's real default (tests run in English)
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")["Location"] == "/ru/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")["Location"] == "/uz/"


def test_an_explicit_choice_is_remembered_for_the_root(client):
    response = client.get("/language/en/?next=/en/issues/")
    assert response.status_code == 302 and response["Location"] == "/en/issues/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ru")["Location"] == "/en/"


def test_language_switch_refuses_foreign_redirects_and_unknown_languages(client):
    assert client.get("/language/ru/?next=https://evil.example/")["Location"] == "/ru/"
    assert client.get("/language/de/?next=/uz/").status_code == 404


def test_every_page_declares_its_language(client):
    for code in ("uz", "ru", "en"):
        assert f'<html lang="{code}">' in client.get(f"/{code}/").content.decode()


def test_switcher_leads_to_the_translation_of_an_article(client):
    original = make_article(title="Suv diplomatiyasi", language="uz", slug="suv-diplomatiyasi")
    make_article(
        title="Водная дипломатия", language="ru", slug="vodnaya-diplomatiya", translation_of=original
    )
    html = client.get("/uz/articles/suv-diplomatiyasi/").content.decode()
    assert "next=%2Fru%2Farticles%2Fvodnaya-diplomatiya%2F" in html
    assert 'hreflang="ru" href="http://testserver/ru/articles/vodnaya-diplomatiya/"' in html
    assert '<link rel="alternate" hreflang="en"' not in html


def test_switcher_without_a_translation_leads_to_the_issue_in_that_language(client):
    issue = make_issue(year=2025, number_first=3)
    make_article(language="uz", slug="faqat-ozbekcha", issue=issue)
    html = client.get("/uz/articles/faqat-ozbekcha/").content.decode()
    assert "next=%2Fen%2Fissues%2F2025%2F3%2F" in html


def test_lists_show_the_readers_version_and_mark_the_others(client):
    section = make_section(slug="tahlil")
    original = make_article(title="Chegaralar", language="uz", section=section)
    make_article(title="Границы", language="ru", section=section, translation_of=original)
    make_article(title="Faqat o'zbekcha maqola", language="uz", section=section)
    html = client.get("/ru/sections/tahlil/").content.decode()
    assert "Границы" in html and "Chegaralar" not in html
    assert "Faqat o&#x27;zbekcha maqola" in html and "(oʻzbek tili)" in html
    assert html.index("Границы") < html.index("Faqat o&#x27;zbekcha")
    uz_html = client.get("/uz/sections/tahlil/").content.decode()
    assert "Chegaralar" in uz_html and "Границы" not in uz_html


def test_an_unpublished_translation_does_not_hide_the_original():
    original = make_article(language="uz")
    make_article(language="ru", translation_of=original, status=Article.Status.DRAFT)
    assert original in Article.objects.published().for_language("ru")


def test_a_translation_must_point_at_an_original_in_another_language():
    original = make_article(language="uz")
    same_language = Article(title="x", language="uz", translation_of=original)
    with pytest.raises(ValidationError):
        same_language.full_clean()
    translation = make_article(language="ru", translation_of=original)
    chained = Article(title="y", language="en", translation_of=translation)
    with pytest.raises(ValidationError):
        chained.full_clean()


@pytest.mark.parametrize("code", ["uz", "ru", "en"])
def test_the_paywall_holds_in_every_language(client, code):
    article = make_print_first()
    html = client.get(f"/{code}{article.get_absolute_url()[3:]}").content.decode()
    assert "Public opening words." in html and "HIDDENMARKER" not in html


def test_a_translation_links_its_original_and_an_unpublished_translation_is_no_alternate(client):
    original = make_article(title="Suv", language="uz", slug="suv")
    make_article(title="Вода", language="ru", slug="voda", translation_of=original)
    make_article(title="Water", language="en", slug="water", translation_of=original, status="draft")
    html = client.get("/ru/articles/voda/").content.decode()
    assert 'hreflang="uz" href="http://testserver/uz/articles/suv/"' in html
    assert '<link rel="alternate" hreflang="en"' not in html and "/en/articles/water/" not in html
    html = client.get("/uz/articles/suv/").content.decode()
    assert 'hreflang="ru" href="http://testserver/ru/articles/voda/"' in html
    assert "/en/articles/water/" not in html
