import pytest

from richtext.sanitize import sanitize_html
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_script_tags_and_handlers_are_removed_on_save():
    article = make_article(blocks=[("text", '<p onclick="steal()">Hi<script>alert(1)</script></p>')])
    body = article.blocks.get().body
    assert body == "<p>Hi</p>"


def test_javascript_links_lose_their_href():
    assert "javascript" not in sanitize_html('<a href="javascript:alert(1)">x</a>')


def test_magazine_typography_survives():
    html = '<h2>T</h2><p><strong>b</strong> <em>i</em></p><ul><li>one</li></ul><a href="https://example.org">l</a>'
    cleaned = sanitize_html(html)
    for fragment in (
        "<h2>T</h2>",
        "<strong>b</strong>",
        "<ul><li>one</li></ul>",
        'href="https://example.org"',
    ):
        assert fragment in cleaned
    assert 'rel="noopener noreferrer"' in cleaned


def test_styles_iframes_and_nul_bytes_go():
    cleaned = sanitize_html(
        '<p style="color:red">a\x00b</p><iframe src="https://x"></iframe><style>p{}</style>'
    )
    assert cleaned == "<p>ab</p>"
