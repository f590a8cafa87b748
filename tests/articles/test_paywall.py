import pytest
from django.contrib.auth.models import AnonymousUser

from articles.models import Article
from articles.paywall import can_preview, is_paywalled, public_summary, visible_blocks
from tests.factories import make_article, make_editor, make_print_first, make_user

pytestmark = pytest.mark.django_db


def test_free_article_shows_every_block_to_anyone():
    article = make_article(blocks=[("text", "<p>one</p>"), ("text", "<p>two</p>")])
    assert len(visible_blocks(article, AnonymousUser())) == 2


def test_print_first_article_shows_only_the_public_blocks_to_a_reader():
    article = make_print_first(public=("<p>a</p>", "<p>b</p>"), hidden=("<p>c</p>", "<p>d</p>"))
    blocks = list(visible_blocks(article, AnonymousUser()))
    assert [b.body for b in blocks] == ["<p>a</p>", "<p>b</p>"]
    assert is_paywalled(article, AnonymousUser())


def test_logged_in_reader_without_editor_rights_is_still_paywalled():
    article = make_print_first()
    user = make_user()
    assert is_paywalled(article, user)
    assert all("HIDDENMARKER" not in b.body for b in visible_blocks(article, user))


def test_editor_sees_the_whole_print_first_article():
    article = make_print_first()
    editor = make_editor()
    assert can_preview(editor)
    assert not is_paywalled(article, editor)
    assert any("HIDDENMARKER" in b.body for b in visible_blocks(article, editor))


def test_excerpt_boundary_follows_the_article_setting():
    article = make_print_first(public=("<p>1</p>", "<p>2</p>", "<p>3</p>"), hidden=("<p>4</p>",))
    article.public_block_count = 1
    assert len(visible_blocks(article, None)) == 1
    article.public_block_count = 0
    assert len(visible_blocks(article, None)) == 0


def test_public_summary_never_takes_hidden_text():
    article = make_print_first(lead="", public=())
    article.public_block_count = 0
    article.save()
    assert "HIDDENMARKER" not in public_summary(article)


def test_public_summary_prefers_the_lead():
    article = make_article(lead="A short lead.", access=Article.Access.PRINT_FIRST)
    assert public_summary(article) == "A short lead."
