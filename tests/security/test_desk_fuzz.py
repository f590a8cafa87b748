"""Arbitrary files and fields thrown at the desk's own forms: Import from Word and autosave.

Never a 500; an import saves nothing until a valid confirmation; an autosave never touches the article.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import example, given, strategies as st

from articles.models import Article
from tests.factories import make_article, make_docx, make_editor, png_bytes
from tests.security.test_fuzz import assert_not_a_server_error, fuzz

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]
VALID = make_docx([("title", "T"), ("b", "Savol?"), ("p", "Javob."), ("img", png_bytes(), "Rasm")])
FIELD = st.one_of(st.text(max_size=60), st.sampled_from(["", "0", "-1", "99999", "question", "image", "on"]))


@pytest.fixture
def desk(client):
    client.force_login(make_editor())
    return client


@fuzz(40)
@given(offset=st.integers(0, len(VALID) - 1), garbage=st.binary(min_size=1, max_size=64), cut=st.booleans())
@example(offset=0, garbage=b"PK\x03\x04", cut=True)
@example(offset=2047, garbage=b"\x00\x00@", cut=False)  # a zip version Python cannot read: once a 500
def test_a_damaged_word_file_never_fails_the_import(desk, offset, garbage, cut):
    data = VALID[:offset] + garbage + (b"" if cut else VALID[offset + len(garbage) :])
    response = desk.post("/admin/articles/article/import/", {"document": SimpleUploadedFile("x.docx", data)})
    assert_not_a_server_error(response)
    assert not Article.objects.exists()


@fuzz(40)
@given(
    fields=st.dictionaries(st.sampled_from(["kind", "body", "image", "image_alt", "join", "DELETE"]), FIELD)
)
def test_a_forged_confirmation_never_fails_and_never_saves_a_bad_block(desk, fields):
    data = {
        "confirm": "1",
        "source_name": "x.docx",
        "title": "A title",
        "language": "uz",
        "blocks-TOTAL_FORMS": "1",
        "blocks-INITIAL_FORMS": "0",
        "blocks-0-kind": "question",
        "blocks-0-body": "<p>Q?</p>",
    } | {f"blocks-0-{name}": value for name, value in fields.items()}
    response = desk.post("/admin/articles/article/import/", data)
    assert_not_a_server_error(response)
    for article in Article.objects.all():
        for block in article.blocks.all():
            block.full_clean()  # whatever was saved passes the admin's own checks


@fuzz(40)
@given(
    fields=st.dictionaries(
        st.sampled_from(["title", "status", "publish_at_0", "blocks-0-body", "blocks-TOTAL_FORMS"]), FIELD
    )
)
def test_autosave_of_any_form_never_fails_and_never_changes_the_article(desk, fields):
    article = make_article(
        title="Kept", status=Article.Status.DRAFT, publish_at=None, blocks=[("text", "<p>x</p>")]
    )
    response = desk.post(f"/admin/articles/article/{article.pk}/autosave/", fields)
    assert_not_a_server_error(response)
    article.refresh_from_db()
    assert (article.title, article.status) == ("Kept", Article.Status.DRAFT)
    assert [block.body for block in article.blocks.all()] == ["<p>x</p>"]
