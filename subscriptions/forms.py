from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .addresses import MAX_LENGTH, normalize_email


class SubscribeForm(forms.Form):
    email = forms.CharField(
        label=_("Email"),
        strip=False,  # normalize_email trims, and refuses whitespace inside
        widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": MAX_LENGTH}),
    )
    language = forms.ChoiceField(
        label=_("Language of the letters"), choices=settings.LANGUAGES, required=False
    )
    website = forms.CharField(  # honeypot: hidden from people, filled by bots
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])

    def clean_language(self):
        """The chosen language, else the one the form was shown in (`initial`), else the site's."""
        return self.cleaned_data["language"] or self.initial.get("language") or settings.LANGUAGE_CODE
