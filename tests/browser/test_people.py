"""Reader journeys in Uzbek and Russian: from a byline to the person's page, and on to related reading."""

import pytest

from tests.browser.helpers import shoot
from tests.factories import image_file, make_article, make_author, make_section

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
LANGUAGES = ["uz", "ru"]


def interview_and_more():
    author = make_author(
        name="Malika Tosheva",
        position="Iqtisodchi",
        bio="Suv va savdo haqida yozadi.",
        bio_ru="Пишет о воде и торговле.",
    )
    author.photo.save("p.jpg", image_file(size=(600, 800)), save=False)
    author.photo_alt = "Malika Toshevaning portreti"
    author.save()
    guest = make_author(name="Rustam Aliyev", position="Diplomat")
    section = make_section(name="Suhbat", name_ru="Интервью", slug="suhbat")
    article = make_article(
        title="Suv diplomatiyasi",
        section=section,
        tags=["water"],
        authors=[author],
        interviewee=guest,
        blocks=[("question", "<p>Savol?</p>"), ("answer", "<p>Javob.</p>")],
    )
    related = make_article(title="Amudaryo hisob-kitobi", tags=["water"], authors=[author])
    return author, guest, article, related


@pytest.mark.parametrize("language", LANGUAGES)
def test_reader_goes_from_a_byline_to_the_persons_page_and_back_to_their_article(page, screenshot, language):
    author, guest, article, related = interview_and_more()
    page.goto(f"/{language}/articles/{article.slug}/")
    page.click(f".article__authors a[href='/{language}/people/{author.slug}/']")
    page.wait_for_url(f"**/{language}/people/{author.slug}/")
    assert page.locator("h1").inner_text() == "Malika Tosheva"
    bio = "Пишет о воде и торговле." if language == "ru" else "Suv va savdo haqida yozadi."
    assert page.locator(".person__bio").inner_text() == bio
    assert page.locator("img.person__photo").get_attribute("alt") == "Malika Toshevaning portreti"
    shoot(page, screenshot, f"person-{language}")
    page.get_by_role("link", name=related.title).click()
    page.wait_for_url(f"**/articles/{related.slug}/")
    page.goto(f"/{language}/articles/{article.slug}/")
    page.click(f".article__byline strong a[href='/{language}/people/{guest.slug}/']")
    page.wait_for_url(f"**/{language}/people/{guest.slug}/")
    assert page.locator("h1").inner_text() == "Rustam Aliyev"
    assert page.get_by_role("link", name=article.title).is_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_reader_goes_from_an_article_to_a_related_one(page, screenshot, language):
    author, guest, article, related = interview_and_more()
    page.goto(f"/{language}/articles/{article.slug}/")
    section = page.locator("section.related")
    heading = "Читайте также" if language == "ru" else "Mavzuga oid"
    assert section.locator("h2").text_content() == heading
    shoot(page, screenshot, f"related-{language}")
    section.get_by_role("link", name=related.title).click()
    page.wait_for_url(f"**/{language}/articles/{related.slug}/")
    assert page.locator("h1").inner_text() == related.title
    # And back: the first article is related to the second.
    page.locator("section.related").get_by_role("link", name=article.title).click()
    page.wait_for_url(f"**/{language}/articles/{article.slug}/")
