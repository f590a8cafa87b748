"""Rich text as words: the rendered diff, the plain text an interviewee edits, and their edit merged back."""

import pytest

from richtext.htmltext import html_diff, html_merge, plain_text


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "<p>Water <b>matters</b> here.</p>",
            "<p>Water <b>counts</b> here.</p>",
            "<p>Water <del><b>matters</b></del><b><ins>counts</ins></b> here.</p>",
        ),
        ("<p>A B</p><p>C</p>", "<p>A</p><p>C D</p>", "<p>A<del> B</del></p><p>C <ins>D</ins></p>"),
        ("<p>x &amp; y</p>", "<p>x &lt; y</p>", "<p>x <del>&amp;</del><ins>&lt;</ins> y</p>"),
        ("", "<p>one</p>", "<p><ins>one</ins></p>"),
        ("<p>one</p>", "", "<del>one</del>"),
        ("<p>Same.</p>", "<p>Same.</p>", "<p>Same.</p>"),
    ],
)
def test_the_diff_marks_words_in_the_rendered_text(old, new, expected):
    assert html_diff(old, new) == expected


def test_a_word_that_only_lost_its_bold_counts_as_changed():
    assert html_diff("<p>Water <b>matters</b></p>", "<p>Water matters</p>") == (
        "<p>Water <del><b>matters</b></del><ins>matters</ins></p>"
    )


def test_the_diff_of_hostile_text_stays_harmless():
    html = html_diff("<p>a</p>", '<p>a <img src=x onerror="alert(1)"><script>alert(2)</script>b</p>')
    assert "<img" not in html and "<script" not in html and "onerror" not in html


def test_the_plain_text_keeps_paragraphs_lines_and_list_items_apart():
    html = "<p>First <b>bold</b> para.</p><ul><li>a</li><li>b</li></ul><p>line<br>two</p>"
    assert plain_text(html) == "First bold para.\n\na\nb\n\nline\ntwo"


def test_an_untouched_plain_text_merges_back_into_the_same_html():
    html = (
        '<p>First <b>bold</b>, <a href="https://example.org" rel="noopener noreferrer">a link</a>.</p>'
        "<ul><li>a</li><li>b</li></ul>"
    )
    assert html_merge(html, plain_text(html)) == html


def test_a_changed_paragraph_keeps_its_formatting_around_the_words_it_kept():
    html = "<p>Trade found <b>new</b> roads.</p><p>Untouched <i>words</i>.</p>"
    edited = "Trade found new and safer roads.\n\nUntouched words."
    assert (
        html_merge(html, edited)
        == "<p>Trade found <b>new</b> and safer roads.</p><p>Untouched <i>words</i>.</p>"
    )


def test_a_new_paragraph_comes_in_as_plain_text_escaped():
    merged = html_merge("<p>One.</p>", "One.\n\n<script>Two</script> & three\nfour")
    assert merged == "<p>One.</p><p>&lt;script&gt;Two&lt;/script&gt; &amp; three<br>four</p>"


def test_a_removed_paragraph_goes():
    assert html_merge("<p>One.</p><p>Two.</p>", "Two.") == "<p>Two.</p>"
