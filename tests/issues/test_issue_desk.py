"""Issues in the admin: pickers that find "3-4/2026", duplicate numbers named, covers kept in view."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from images.processing import crop_box, crop_name
from issues.models import Issue
from tests.factories import image_file, make_event, make_issue

pytestmark = pytest.mark.django_db


def pick(client, term):
    """What the article form's issue picker lists for `term`."""
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "issue", "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


@pytest.fixture
def issues():
    make_issue(year=2026, number_first=3, number_last=4, theme="Water and borders")
    make_issue(year=2026, number_first=1, theme="Youth")
    make_issue(year=2025, number_first=3, theme="Trade")
    make_issue(year=2025, number_first=4, theme="Energy")


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("3-4", ["3-4/2026 — Water and borders"]),
        ("3-4/2026", ["3-4/2026 — Water and borders"]),
        ("3-4 2026", ["3-4/2026 — Water and borders"]),
        ("3/2025", ["3/2025 — Trade"]),
        ("4", ["3-4/2026 — Water and borders", "4/2025 — Energy"]),
        ("2025", ["4/2025 — Energy", "3/2025 — Trade"]),
        ("borders", ["3-4/2026 — Water and borders"]),
        ("3-4/2024", []),
    ],
)
def test_the_issue_picker_finds_an_issue_by_label_year_or_theme(editor_client, issues, term, found):
    assert pick(editor_client, term) == found


def issue_data(**overrides):
    return {
        "year": "2026",
        "number_first": "4",
        "theme": "",
        "articles-TOTAL_FORMS": "0",
        "articles-INITIAL_FORMS": "0",
    } | overrides


def test_a_duplicate_number_names_the_issue_that_has_it_and_links_to_it(editor_client):
    double = make_issue(year=2026, number_first=3, number_last=4)
    response = editor_client.post("/admin/magazine/issue/add/", issue_data(number_first="4"))
    assert response.status_code == 200 and Issue.objects.count() == 1
    html = response.content.decode()
    link = reverse("admin:magazine_issue_change", args=[double.pk])
    assert "Issue 3-4/2026 already has this number" in html and f'<a href="{link}">open it</a>' in html


def test_a_double_issue_over_a_taken_number_is_refused_too(editor_client):
    make_issue(year=2026, number_first=5)
    response = editor_client.post("/admin/magazine/issue/add/", issue_data(number_first="4", number_last="5"))
    assert response.status_code == 200 and "Issue 5/2026 already has this number" in response.content.decode()


def test_the_same_number_in_another_year_is_fine(editor_client):
    make_issue(year=2025, number_first=4)
    assert editor_client.post("/admin/magazine/issue/add/", issue_data()).status_code == 302


def test_a_failed_issue_form_says_the_cover_must_be_chosen_again(editor_client):
    make_issue(year=2026, number_first=4)
    data = issue_data(cover=image_file("cover.jpg"), cover_alt="The cover")
    response = editor_client.post("/admin/magazine/issue/add/", data)
    assert response.status_code == 200
    cover_errors = response.context["adminform"].form.errors["cover"]
    assert "cover.jpg" in cover_errors[0] and "choose it again" in cover_errors[0]


def test_a_bad_cover_gets_its_own_error_not_the_choose_again_note(editor_client):
    data = issue_data(cover=image_file().__class__("cover.jpg", b"not an image"))
    response = editor_client.post("/admin/magazine/issue/add/", data)
    errors = " ".join(response.context["adminform"].form.errors["cover"])
    assert "choose it again" not in errors and "valid image" in errors


def test_the_issue_form_shows_the_cover_with_its_focal_point_fields(editor_client):
    issue = make_issue()
    issue.cover.save("c.jpg", image_file(), save=True)
    html = editor_client.get(f"/admin/magazine/issue/{issue.pk}/change/").content.decode()
    assert 'class="image-preview" data-focus-of="id_cover"' in html and "-w480.webp" in html
    assert 'id="id_cover_focus_x"' in html and "magazine/admin/desk.js" in html


def test_the_issue_list_shows_cover_thumbnails(editor_client):
    issue = make_issue()
    issue.cover.save("c.jpg", image_file(), save=True)
    assert "-c160x160-f50x50.webp" in editor_client.get("/admin/magazine/issue/").content.decode()


def test_a_saved_cover_gets_crops_around_its_focal_point_which_move_with_it():
    issue = make_issue()
    issue.cover.save("c.jpg", image_file(size=(1200, 600)), save=True)
    assert issue.cover_focus == (50, 50)
    storage, name = issue.cover.storage, issue.cover.name
    assert storage.exists(crop_name(name, (1200, 630), (50, 50))) and storage.exists(
        crop_name(name, (160, 160), (50, 50))
    )
    issue.cover_focus_x, issue.cover_focus_y = 10, 90
    issue.save()
    assert storage.exists(crop_name(name, (160, 160), (10, 90)))


def test_the_crop_keeps_the_focal_point_in_view():
    """A red mark in the left quarter of a wide picture survives a square crop centred on it."""
    picture = Image.new("RGB", (1000, 400), (255, 255, 255))
    picture.paste((255, 0, 0), (80, 180, 120, 220))  # the mark, around (10 %, 50 %)
    box = crop_box(1000, 400, (160, 160), (10, 50))
    assert box[0] <= 80 and box[2] >= 120 and box[2] - box[0] == box[3] - box[1] == 400
    centred = crop_box(1000, 400, (160, 160), (50, 50))
    assert centred[0] > 120  # a crop around the middle would have lost it
    cropped = picture.crop(box)
    assert (255, 0, 0) in {cropped.getpixel((x, 200)) for x in range(0, 400, 10)}


def test_the_focal_point_is_kept_inside_the_picture():
    assert crop_box(1000, 400, (160, 160), (0, 0))[:2] == (0, 0)
    assert crop_box(1000, 400, (160, 160), (100, 100))[2:] == (1000, 400)
    assert crop_box(400, 1000, (1200, 630), (50, 0)) == (0, 0, 400, 210)


def test_a_focal_point_outside_0_to_100_is_refused(editor_client):
    issue = make_issue(year=2026, number_first=8)
    issue.cover.save("c.jpg", image_file(), save=True)
    response = editor_client.post(
        f"/admin/magazine/issue/{issue.pk}/change/",
        issue_data(number_first="8", cover_focus_x="150", cover_focus_y="10", cover_alt="x"),
    )
    assert response.status_code == 200 and "cover_focus_x" in response.context["adminform"].form.errors


def test_the_social_card_of_an_article_is_the_crop_around_its_focal_point(client):
    from tests.factories import make_article

    article = make_article()
    article.cover.save("c.jpg", image_file(), save=False)
    article.cover_focus_x, article.cover_focus_y = 30, 20
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    og_image = html.split('<meta property="og:image" content="')[1].split('"')[0]
    assert og_image.endswith("-c1200x630-f30x20.webp")
    card = article.cover.storage.open(crop_name(article.cover.name, (1200, 630), (30, 20)))
    assert Image.open(io.BytesIO(card.read())).size == (1200, 630)


@pytest.mark.parametrize("url", ["/admin/magazine/issue/", "/admin/magazine/event/"])
def test_the_issue_and_event_lists_cost_the_same_with_many_rows(
    editor_client, django_assert_max_num_queries, url
):
    from django.utils import timezone

    for n in range(30):
        make_issue(year=2000 + n, number_first=1, theme=f"Theme {n}")
        make_event(title=f"Event {n}", starts_at=timezone.now())
    with django_assert_max_num_queries(14):
        assert editor_client.get(url).status_code == 200
