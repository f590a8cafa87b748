"""Import from Word in the admin: upload, preview of the split, confirm; nothing saved before it."""

import re

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.admin_import import IMAGE_SALT
from articles.models import Article
from revisions.models import Revision
from tests.factories import make_article, make_docx, make_issue, make_moderator, png_bytes

pytestmark = pytest.mark.django_db
INTERVIEW = [
    ("title", "Borders that connect"),
    ("p", "An introduction."),
    ("b", "What changed this year?"),
    ("p", "Trade found new roads."),
    ("img", png_bytes(), "A border crossing"),
    ("p", "Q: And next year?"),
    ("p", "More of the same."),
]


def upload(client, items=INTERVIEW, url="/admin/articles/article/import/", **fields):
    document = SimpleUploadedFile("interview.docx", make_docx(items))
    return client.post(url, {"document": document, **fields})


def preview_data(response):
    """The preview form as the browser would post it back, unchanged."""
    formset = response.context["formset"]
    data = {"confirm": "1", "source_name": response.context["source_name"]}
    data |= {field.html_name: field.value() for field in formset.management_form}
    for form in formset:
        for name in ("kind", "body", "image", "image_alt"):
            data[form[name].html_name] = form[name].value() or ""
    article_form = response.context.get("article_form")
    if article_form is not None:
        for field in article_form:
            value = field.value()
            data[field.html_name] = getattr(value, "pk", value) or ""
    return data


def test_the_upload_page_opens_for_an_editor(editor_client):
    response = editor_client.get("/admin/articles/article/import/")
    assert response.status_code == 200
    assert b'type="file"' in response.content and b"multipart/form-data" in response.content


def test_a_user_who_may_not_add_articles_cannot_import(client):
    client.force_login(make_moderator())
    assert client.get("/admin/articles/article/import/").status_code == 403


def test_the_preview_shows_the_split_and_saves_nothing(editor_client):
    issue = make_issue(year=2026, number_first=3, number_last=4)
    response = upload(editor_client, interviewee_name="Aziza Nurmatova", issue=str(issue.pk))
    assert response.status_code == 200
    kinds = [form["kind"].value() for form in response.context["formset"]]
    assert kinds == ["text", "question", "answer", "image", "question", "answer"]
    html = response.content.decode()
    assert "What changed this year?" in html and "Trade found new roads." in html and "3-4/" in html
    assert response.context["article_form"]["title"].value() == "Borders that connect"
    assert not Article.objects.exists()


def test_confirming_creates_a_draft_interview_with_its_blocks_and_one_revision(editor_client):
    issue = make_issue(year=2026, number_first=3, number_last=4)
    preview = upload(editor_client, interviewee_name="Aziza Nurmatova", issue=str(issue.pk))
    response = editor_client.post("/admin/articles/article/import/", preview_data(preview))
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{article.pk}/change/")
    assert article.status == Article.Status.DRAFT and not article.is_published()
    assert article.title == "Borders that connect" and article.issue == issue
    assert article.interviewee_name == "Aziza Nurmatova"
    blocks = list(article.blocks.all())
    assert [b.kind for b in blocks] == ["text", "question", "answer", "image", "question", "answer"]
    assert [b.position for b in blocks] == [1, 2, 3, 4, 5, 6]
    image = blocks[3]
    assert image.image_alt == "A border crossing" and image.image_width == 40
    assert image.image.storage.exists(image.image.name)
    assert Revision.objects.for_object(article).get().comment.startswith("Imported from Word")


def test_the_editor_fixes_the_split_before_confirming(editor_client):
    preview = upload(editor_client)
    data = preview_data(preview)
    data["blocks-0-kind"] = "question"  # the introduction was in fact a question
    data["blocks-2-DELETE"] = "on"  # leave the first answer out
    data["blocks-4-kind"] = "answer"  # "And next year?" was the interviewee's, not a question
    data["blocks-5-join"] = "on"  # and the answer after it continues it
    editor_client.post("/admin/articles/article/import/", data)
    article = Article.objects.get()
    assert [b.kind for b in article.blocks.all()] == ["question", "question", "image", "answer"]
    assert article.blocks.last().body == "<p>And next year?</p><p>More of the same.</p>"


def test_a_text_block_cannot_join_an_image(editor_client):
    data = preview_data(upload(editor_client))
    data["blocks-4-join"] = "on"  # the question after the image
    response = editor_client.post("/admin/articles/article/import/", data)
    assert response.status_code == 400 and not Article.objects.exists()


def test_a_block_posted_empty_counts_as_no_block_not_a_500(editor_client):
    """Found by the fuzzer: an empty form posted unchanged has no cleaned data at all."""
    data = preview_data(upload(editor_client))
    for name in ("kind", "body", "image", "image_alt"):
        data[f"blocks-0-{name}"] = ""
    data |= {"blocks-INITIAL_FORMS": "0", "blocks-TOTAL_FORMS": "1"}
    response = editor_client.post("/admin/articles/article/import/", data)
    assert response.status_code == 400 and not Article.objects.exists()
    assert "Keep at least one block." in response.content.decode()


def test_a_forged_image_name_is_refused(editor_client):
    data = preview_data(upload(editor_client))
    data["blocks-3-image"] = signing.dumps("../../settings.py", salt="another-salt")
    response = editor_client.post("/admin/articles/article/import/", data)
    assert response.status_code == 400 and not Article.objects.exists()
    assert "no longer available" in response.content.decode()


def test_an_image_block_needs_a_description(editor_client):
    data = preview_data(upload(editor_client))
    data["blocks-3-image_alt"] = " "
    response = editor_client.post("/admin/articles/article/import/", data)
    assert response.status_code == 400 and not Article.objects.exists()


def test_the_title_is_required_when_the_document_has_none(editor_client):
    data = preview_data(upload(editor_client, items=[("b", "Q?"), ("p", "A.")]))
    assert data["title"] == ""
    response = editor_client.post("/admin/articles/article/import/", data)
    assert response.status_code == 400 and not Article.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 not a docx", "not a Word document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Word file"),
        (b"", "empty"),
    ],
)
def test_a_broken_file_comes_back_with_a_clear_error_and_a_400(editor_client, content, message):
    document = SimpleUploadedFile("interview.docx", content)
    response = editor_client.post("/admin/articles/article/import/", {"document": document})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_blocks_from_word_are_added_after_an_existing_articles_own(editor_client):
    article = make_article(blocks=[("text", "<p>Already here.</p>")], status=Article.Status.DRAFT)
    url = f"/admin/articles/article/{article.pk}/import/"
    preview = upload(editor_client, items=[("b", "Q?"), ("p", "A.")], url=url)
    assert preview.status_code == 200 and preview.context.get("article_form") is None
    response = editor_client.post(url, preview_data(preview))
    assert response.status_code == 302
    assert [(b.kind, b.position) for b in article.blocks.all()] == [
        ("text", 1),
        ("question", 2),
        ("answer", 3),
    ]


def test_the_image_tokens_are_signed_names_of_stored_renditions(editor_client):
    preview = upload(editor_client)
    token = preview.context["formset"][3]["image"].value()
    name = signing.loads(token, salt=IMAGE_SALT)
    assert re.fullmatch(r"blocks/\d{4}/[0-9a-f]{32}\.png", name)
    assert preview.context["formset"][3].preview_url.endswith("-w480.webp")
