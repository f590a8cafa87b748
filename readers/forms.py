import re

from django import forms
from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from subscriptions.addresses import MAX_LENGTH

from .services import reader_email

NEXT_MAX_LENGTH = 1000


def local_path(value):
    """`value` if it is a path on this site ("/uz/articles/…"), else "": where to go after signing in."""
    value = (value or "").strip()
    if (
        not value.startswith("/")
        or value.startswith("//")
        or len(value) > NEXT_MAX_LENGTH
        or "\\" in value
        or not value.isprintable()
        or not url_has_allowed_host_and_scheme(value, allowed_hosts=None)
    ):
        return ""
    return value


class SignInForm(forms.Form):
    email = forms.CharField(
        label=_("Email"),
        strip=False,  # reader_email trims, and refuses whitespace inside
        widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": MAX_LENGTH}),
    )

    def clean_email(self):
        return reader_email(self.cleaned_data["email"])


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the letter"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*", "size": 8}
        ),
    )

    def clean_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(_("The code has six digits."), code="format")
        return code


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the site and the letters"), choices=settings.LANGUAGES)
