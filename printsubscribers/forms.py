from django import forms
from django.utils.translation import gettext_lazy as _


class ActivateForm(forms.Form):
    number = forms.CharField(
        label=_("Subscriber number"),
        max_length=40,
        help_text=_("It is printed on the address label of your issue and on your receipt."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=20,
        help_text=_("The postal code of the address where your issues are delivered."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
