"""The browser-form reader the admin tests rely on: it must post what a browser posts."""

from tests.html_forms import read_form

PAGE = """
<form id="logout"><input type="hidden" name="csrfmiddlewaretoken" value="other"></form>
<form id="thing_form" method="post" enctype="multipart/form-data">
  <input type="hidden" name="csrfmiddlewaretoken" value="token">
  <input type="text" name="title" value="Line one&#10;line two &amp; more">
  <input type="email" name="email" value="  a@example.com ">
  <input type="number" name="count" value="12">
  <input type="number" name="bad" value="twelve">
  <input type="checkbox" name="is_published" checked>
  <input type="checkbox" name="comments_open" value="yes">
  <input type="radio" name="kind" value="a"><input type="radio" name="kind" value="b" checked>
  <input type="file" name="cover">
  <input type="text" name="locked" value="x" disabled>
  <fieldset disabled><input name="inside" value="y"></fieldset>
  <textarea name="body">
First &lt;p&gt;
second</textarea>
  <select name="section"><option value="">---</option><option value="3">Water</option></select>
  <select name="issue"><option value="1">One</option><option value="2" selected>Two</option></select>
  <select name="authors" multiple><option value="1" selected>A</option><option value="2">B</option>
    <option value="3" selected>C</option></select>
  <select name="language"><option>uz</option></select>
  <input type="submit" name="_save" value="Save"><input type="submit" name="_continue" value="Go on">
</form>
"""


def test_the_reader_posts_what_a_browser_posts_from_an_untouched_form():
    form = read_form(PAGE, "thing_form")
    assert form.enctype == "multipart/form-data"
    assert form.entries(submitter="_save") == {
        "csrfmiddlewaretoken": ["token"],
        "title": ["Line oneline two & more"],
        "email": ["a@example.com"],
        "count": ["12"],
        "bad": [""],
        "is_published": ["on"],
        "kind": ["b"],
        "body": ["First <p>\r\nsecond"],
        "section": [""],
        "issue": ["2"],
        "authors": ["1", "3"],
        "language": ["uz"],
        "_save": ["Save"],
    }
