from comments.text import find_urls, render_comment_text


def test_html_is_escaped_and_line_breaks_are_kept():
    html = render_comment_text('<b>bold</b> & "quotes"\r\nline two\rline three\nline four')
    assert html == "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot;<br>line two<br>line three<br>line four"


def test_http_links_get_nofollow_ugc_noopener():
    html = render_comment_text("Read https://example.org/report?a=1&b=2.")
    assert html == (
        'Read <a href="https://example.org/report?a=1&amp;b=2" rel="nofollow ugc noopener">'
        "https://example.org/report?a=1&amp;b=2</a>."
    )


def test_only_http_and_https_become_links():
    html = render_comment_text("javascript:alert(1) data:text/html,x ftp://files.example www.example.com")
    assert "<a" not in html


def test_a_link_cannot_break_out_of_its_attribute():
    html = render_comment_text('http://x.example/"onmouseover="alert(1) http://y.example/<script>')
    assert 'href="http://x.example/"' in html and "&lt;script&gt;" in html
    assert html.count("<a ") == 2 and '"onmouseover' not in html.replace("&quot;onmouseover", "")


def test_parentheses_inside_an_address_are_kept_and_a_closing_one_outside_is_not():
    text = "(see https://en.wikipedia.org/wiki/Aral_Sea_(lake)) and (https://example.org)"
    assert [text[a:b] for a, b in find_urls(text)] == [
        "https://en.wikipedia.org/wiki/Aral_Sea_(lake)",
        "https://example.org",
    ]


def test_a_bare_scheme_is_not_a_link():
    assert find_urls("https:// and http://.") == []


def test_comment_dates_are_the_date_formats_own_in_every_language():
    from datetime import UTC, datetime, timedelta, timezone

    from django.utils.formats import date_format
    from django.utils.translation import override

    from comments.templatetags.comments_tags import comment_dates

    moments = [
        datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        datetime(999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=5))),
        datetime(2026, 5, 9, 0, 0),
    ]
    for language in ("uz", "ru", "en"):
        with override(language):
            for moment in moments:
                assert comment_dates(moment) == (date_format(moment, "c"), date_format(moment, "j E Y, H:i"))
