"""The comparison of a revision with the current version: rendered text, blocks by name, order, current."""

import pytest

from revisions.models import Revision
from tests.factories import make_article
from tests.html_forms import admin_form_data, admin_form_post

pytestmark = pytest.mark.django_db

BLOCKS = [
    ("question", "<p>What changed?</p>"),
    ("answer", "<p>Trade found <b>new</b> roads.</p>"),
    ("question", "<p>And next year?</p>"),
]


def revisions_url(article, tail=""):
    return f"/admin/articles/article/{article.pk}/revisions/{tail}"


def saved(client, article, **changes):
    """Save the article's form in the admin with `changes`; return the revision that save left."""
    assert admin_form_post(client, article, admin_form_data(client, article), **changes).status_code == 302
    return Revision.objects.for_object(article).first()


def test_a_changed_block_is_shown_rendered_and_the_unchanged_ones_collapsed_by_name(editor_client):
    article = make_article(blocks=BLOCKS)
    first = saved(editor_client, article)
    saved(editor_client, article, **{"blocks-1-body": "<p>Trade found <b>new</b> and safer roads.</p>"})
    html = editor_client.get(revisions_url(article, f"{first.pk}/")).content.decode()
    assert "Blocks <span" in html and "(1 changed)" in html
    assert "<p>Trade found <b>new</b> <ins>and safer </ins>roads.</p>" in html
    assert html.count('<li class="revision-child revision-child--unchanged">') == 2
    assert "<summary><strong>Question #1</strong>" in html and "<summary><strong>Question #3</strong>" in html
    assert "&lt;p&gt;" not in html and "&lt;b&gt;" not in html


def test_blocks_added_and_removed_are_marked(editor_client):
    article = make_article(blocks=BLOCKS[:2])
    first = saved(editor_client, article)
    data = admin_form_data(editor_client, article) | {
        "blocks-TOTAL_FORMS": "3",
        "blocks-2-kind": "quote",
        "blocks-2-position": "3",
        "blocks-2-body": "<p>A new quote.</p>",
        "blocks-0-DELETE": "on",
    }
    assert admin_form_post(editor_client, article, data).status_code == 302
    html = editor_client.get(revisions_url(article, f"{first.pk}/")).content.decode()
    assert "1 added, 1 removed" in html
    assert "revision-child--added" in html and "<ins>A new quote.</ins>" in html
    assert "revision-child--removed" in html and "<del>What changed?</del>" in html


def test_a_new_block_order_is_part_of_the_revision_and_shown_as_moved(editor_client):
    article = make_article(blocks=BLOCKS)
    first = saved(editor_client, article)
    saved(editor_client, article, **{"blocks-0-position": "4"})  # the first question goes last
    latest = Revision.objects.for_object(article).first()
    assert [b["body"] for b in latest.data["related"]["blocks"]] == [
        "<p>Trade found <b>new</b> roads.</p>",
        "<p>And next year?</p>",
        "<p>What changed?</p>",
    ]
    html = editor_client.get(revisions_url(article, f"{first.pk}/")).content.decode()
    assert "1 moved" in html and "revision-child--moved" in html


def test_restoring_brings_the_block_order_back(editor_client):
    article = make_article(blocks=BLOCKS)
    first = saved(editor_client, article)
    saved(editor_client, article, **{"blocks-0-position": "4"})
    confirm = editor_client.get(revisions_url(article, f"{first.pk}/restore/")).content.decode()
    assert "<li>Blocks: 1 moved</li>" in confirm
    assert editor_client.post(revisions_url(article, f"{first.pk}/restore/")).status_code == 302
    assert [b.body for b in article.blocks.all()] == [body for _kind, body in BLOCKS]


def test_the_current_version_is_marked_in_the_list_and_on_its_page(editor_client):
    article = make_article(blocks=BLOCKS)
    first = saved(editor_client, article)
    second = saved(editor_client, article, title="A new title")
    listing = editor_client.get(revisions_url(article)).content.decode()
    assert listing.count("revision-current") == 1
    assert listing.index("revision-current") < listing.index(f"revisions/{first.pk}/")
    page = editor_client.get(revisions_url(article, f"{second.pk}/")).content.decode()
    assert "current version" in page and "This revision is the same as the current version." in page


def test_a_version_saved_outside_the_admin_leaves_no_revision_marked_current(editor_client):
    article = make_article(blocks=BLOCKS)
    saved(editor_client, article)
    article.title = "Changed in a shell"
    article.save()
    listing = editor_client.get(revisions_url(article)).content.decode()
    assert 'class="revision-current"' not in listing
    assert "differs from every revision below" in listing


def test_the_restore_page_says_which_tags_come_back(editor_client):
    article = make_article(tags=["water"])
    first = saved(editor_client, article)
    saved(editor_client, article, tags="water, energy")
    html = editor_client.get(revisions_url(article, f"{first.pk}/restore/")).content.decode()
    assert "<li>Tags</li>" in html and "<del>energy, </del>water" in html
