"""richtext.form_renderer: the templates it writes in Python give Django's own HTML, to the character."""

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.forms.utils import ErrorList
from django.utils.safestring import mark_safe

from articles.models import Article
from comments.forms import CommentForm
from richtext.form_renderer import WRITTEN, SiteFormRenderer
from subscriptions.forms import SubscribeForm
from tests.factories import make_article

TRICKY = 'Tom & "Jerry" <script>alert(1)</script> \u2019'

WIDGETS = [
    forms.TextInput(attrs={"maxlength": 200, "required": True, "data-x": TRICKY, "disabled": False}),
    forms.EmailInput(attrs={"autocomplete": "email"}),
    forms.URLInput(),
    forms.HiddenInput(),
    forms.CheckboxInput(),
    forms.Textarea(attrs={"rows": 8, "aria-describedby": "id_body_helptext"}),
    forms.NumberInput(attrs={"min": 0}),
    forms.PasswordInput(render_value=True),
    forms.DateInput(),
]
VALUES = [None, "", "plain", TRICKY, mark_safe("<b>kept</b>"), 0, 42, True, False]


def both(render):
    site, django = SiteFormRenderer(), TemplatesSetting()
    return render(site), render(django)


def test_every_written_template_is_one_django_has():
    django = TemplatesSetting()
    for name in WRITTEN:
        assert django.get_template(name) is not None
    assert set(SiteFormRenderer().written) == set(WRITTEN)  # none overridden: the comparisons below test ours


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda widget: type(widget).__name__)
def test_widgets_render_as_djangos_templates_render_them(widget):
    for value in VALUES:
        ours, theirs = both(
            lambda renderer, value=value: widget.render(
                "field", value, attrs={"id": "id_field"}, renderer=renderer
            )
        )
        assert ours == theirs, (type(widget).__name__, value)


def test_labels_and_error_lists_render_as_djangos_templates_render_them():
    class Form(forms.Form):
        name = forms.CharField(label=TRICKY, help_text="Help & more")
        agree = forms.BooleanField(label="I agree", required=False)

    for data in (None, {"name": "", "agree": "on"}, {"name": TRICKY}):
        ours, theirs = both(lambda renderer, data=data: Form(data, renderer=renderer).as_div())
        assert ours == theirs
        ours, theirs = both(
            lambda renderer, data=data: Form(data, renderer=renderer)["name"].label_tag(attrs={"class": "x"})
        )
        assert ours == theirs
    errors = [TRICKY, mark_safe("<em>safe</em>")]
    ours, theirs = both(lambda renderer: ErrorList(errors, field_id="id_name", renderer=renderer).as_ul())
    assert ours == theirs
    ours, theirs = both(lambda renderer: ErrorList([], renderer=renderer).as_ul())
    assert ours == theirs == ""


@pytest.mark.django_db
def test_the_public_forms_render_as_djangos_templates_render_them(monkeypatch):
    monkeypatch.setattr("comments.forms.rendered_at_token", lambda: "the same time stamp")
    article = make_article()
    comment_data = {
        "author_name": TRICKY,
        "author_email": "not an email",
        "author_url": "javascript:x",
        "body": "",
    }
    cases = [
        lambda renderer: CommentForm(article=article, renderer=renderer),
        lambda renderer: CommentForm(comment_data, article=article, renderer=renderer),
        lambda renderer: SubscribeForm(renderer=renderer),
        lambda renderer: SubscribeForm({"email": TRICKY}, renderer=renderer),
    ]
    for make in cases:
        ours, theirs = both(
            lambda renderer, make=make: "".join(
                str(field) + str(field.errors) + field.label_tag() for field in make(renderer)
            )
        )
        assert ours == theirs
    assert isinstance(article, Article)


def test_a_template_the_project_overrides_is_rendered_by_django(settings, tmp_path):
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "text.html").write_text('<input class="overridden" name="{{ widget.name }}">')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    html = forms.TextInput().render("name", "", renderer=SiteFormRenderer())
    assert html == '<input class="overridden" name="name">'
