import pytest
from django.contrib.auth.models import Group
from taggit.models import Tag

from articles.models import Article
from issues.models import Issue
from tests.factories import image_file, make_article, make_issue, make_section, make_user
from tests.html_forms import admin_change_url, admin_form_data, admin_form_post, read_form

pytestmark = pytest.mark.django_db


def block_formset(blocks):
    data = {
        "blocks-TOTAL_FORMS": str(len(blocks)),
        "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0",
        "blocks-MAX_NUM_FORMS": "1000",
    }
    for n, (kind, body) in enumerate(blocks):
        data |= {f"blocks-{n}-kind": kind, f"blocks-{n}-position": str(n + 1), f"blocks-{n}-body": body}
    return data


def article_form(**overrides):
    return {
        "title": "A new interview",
        "subtitle": "",
        "lead": "On rivers and borders.",
        "position": "0",
        "language": "uz",
        "status": "published",
        "publish_at_0": "",
        "publish_at_1": "",
        "access": "print_first",
        "public_block_count": "1",
        "interviewee_name": "Sardor Yusupov",
        "tags": "water, borders",
        "comments_open": "on",
    } | overrides


def test_editor_creates_an_interview_with_blocks_and_tags(editor_client):
    section = make_section()
    data = article_form(section=str(section.pk)) | block_formset(
        [("question", "<p>Why now?</p><script>alert(1)</script>"), ("answer", "<p>Because HIDDENMARKER.</p>")]
    )
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    article = Article.objects.get(title="A new interview")
    assert article.slug == "a-new-interview"
    assert [b.kind for b in article.blocks.all()] == ["question", "answer"]
    assert article.blocks.first().body == "<p>Why now?</p>"
    assert set(article.tags.names()) == {"water", "borders"}
    assert article.is_published()


def test_editor_creates_an_issue_with_a_cover(editor_client):
    data = {
        "year": "2025",
        "number_first": "1",
        "number_last": "2",
        "theme": "Water",
        "cover": image_file("cover.jpg"),
        "cover_alt": "A river",
        "is_published": "on",
        "articles-TOTAL_FORMS": "0",
        "articles-INITIAL_FORMS": "0",
    }
    response = editor_client.post("/admin/magazine/issue/add/", data)
    assert response.status_code == 302
    issue = Issue.objects.get()
    assert issue.label == "1-2/2025" and issue.cover and issue.cover_width == 1200


def test_a_non_image_cover_gets_a_form_error_not_a_500(editor_client):
    data = {
        "year": "2025",
        "number_first": "3",
        "cover": image_file("cover.jpg").__class__("cover.jpg", b"GIF89a not really"),
        "articles-TOTAL_FORMS": "0",
        "articles-INITIAL_FORMS": "0",
    }
    response = editor_client.post("/admin/magazine/issue/add/", data)
    assert response.status_code == 200
    assert "cover" in response.context["adminform"].form.errors
    assert not Issue.objects.exists()


def test_double_issue_numbers_must_increase(editor_client):
    data = {
        "year": "2025",
        "number_first": "2",
        "number_last": "1",
        "articles-TOTAL_FORMS": "0",
        "articles-INITIAL_FORMS": "0",
    }
    response = editor_client.post("/admin/magazine/issue/add/", data)
    assert response.status_code == 200 and not Issue.objects.exists()


def test_scheduled_filter_lists_what_is_waiting(editor_client):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import make_article

    make_article(title="Later piece", publish_at=timezone.now() + timedelta(days=2))
    make_article(title="Live piece")
    html = editor_client.get("/admin/articles/article/?publication=scheduled").content.decode()
    assert "Later piece" in html and "Live piece" not in html


def test_preview_link_of_a_draft_works_for_the_editor(editor_client):
    make_issue()
    response = editor_client.post(
        "/admin/articles/article/add/",
        article_form(status="draft", access="free") | block_formset([("text", "<p>x</p>")]),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert editor_client.get(article.get_absolute_url()).status_code == 200


def test_editors_group_can_edit_content_but_not_users():
    group = Group.objects.get(name="Editors")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_article", "change_article", "add_issue", "change_section", "add_articleblock"} <= codenames
    assert not {"add_user", "change_user", "change_group"} & codenames


def test_an_editor_cannot_open_user_management(editor_client):
    assert editor_client.get("/admin/auth/user/").status_code == 403


def test_a_plain_staff_user_without_a_group_cannot_touch_articles(client):
    client.force_login(make_user(is_staff=True))
    assert client.get("/admin/articles/article/").status_code == 403


def test_editor_edits_an_issue_that_already_has_a_cover(editor_client):
    issue = make_issue(year=2025, number_first=4)
    issue.cover.save("c.jpg", image_file(), save=True)
    url = f"/admin/magazine/issue/{issue.pk}/change/"
    form = editor_client.get(url).context["adminform"].form
    data = {
        "year": "2025",
        "number_first": "4",
        "theme": "Renamed theme",
        "cover_alt": "The cover",
        "is_published": "on",
        "articles-TOTAL_FORMS": "0",
        "articles-INITIAL_FORMS": "0",
    }
    if "loaded_at" in form.fields:
        data["loaded_at"] = form["loaded_at"].value()
    response = editor_client.post(url, data)
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.theme == "Renamed theme" and issue.cover


def test_publish_now_action_publishes_and_keeps_a_revision(editor_client):
    from revisions.models import Revision
    from tests.factories import make_article

    article = make_article(status=Article.Status.DRAFT)
    response = editor_client.post(
        "/admin/articles/article/", {"action": "publish_now", "_selected_action": [article.pk]}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_published()
    assert Revision.objects.for_object(article).get().comment  # "Published now." in the editor's language


def tags_input(editor_client, article):
    """The value of the tags <input>, and the change page it is on."""
    html = editor_client.get(admin_change_url(article)).content.decode()
    return read_form(html, "article_form").data["tags"], html


def test_the_tags_field_shows_names_as_taggit_writes_them_and_suggests_existing_tags(editor_client):
    make_article(tags=["energy"])
    article = make_article(tags=["water", "border security", "Tashkent, Samarkand"])
    (value,), html = tags_input(editor_client, article)
    assert value == '"Tashkent, Samarkand", "border security", water'
    assert '<option value="energy">' in html and 'list="tags-suggestions"' in html


def test_saving_an_article_unchanged_keeps_its_tags(editor_client):
    article = make_article(tags=["water", "border security", "Tashkent, Samarkand"])
    tag_ids = sorted(article.tags.values_list("pk", flat=True))
    response = admin_form_post(editor_client, article, admin_form_data(editor_client, article))
    assert response.status_code == 302
    assert sorted(article.tags.values_list("pk", flat=True)) == tag_ids
    assert Tag.objects.count() == 3


def test_saving_an_untagged_article_unchanged_makes_no_tag(editor_client):
    article = make_article()
    response = admin_form_post(editor_client, article, admin_form_data(editor_client, article))
    assert response.status_code == 302
    assert not article.tags.exists() and not Tag.objects.exists()


def test_typed_tag_names_with_quotes_commas_and_spaces_round_trip(editor_client):
    article = make_article()
    typed = '"Tashkent, Samarkand", "great powers", water'
    assert (
        admin_form_post(
            editor_client, article, admin_form_data(editor_client, article), tags=typed
        ).status_code
        == 302
    )
    assert sorted(article.tags.names()) == ["Tashkent, Samarkand", "great powers", "water"]
    (value,), _html = tags_input(editor_client, article)
    assert value == typed


def test_a_tag_name_without_letters_or_digits_is_refused_with_a_message(editor_client):
    article = make_article(tags=["water"])
    response = admin_form_post(
        editor_client, article, admin_form_data(editor_client, article), tags="water, []"
    )
    assert response.status_code == 200
    assert "These tags cannot have a web address: []" in str(
        response.context["adminform"].form.errors["tags"]
    )
    assert list(article.tags.names()) == ["water"] and not Tag.objects.filter(name="[]").exists()
