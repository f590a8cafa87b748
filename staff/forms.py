from django import forms
from django.utils.translation import gettext_lazy as _

from guards.lockout import LockoutAuthenticationForm

from .twofactor import second_factor_required


class PasswordStepForm(LockoutAuthenticationForm):
    """The admin login's password step. A staff member's failures are forgotten only once the second
    factor is given too, so a known password does not reset the count of wrong codes."""

    def password_accepted(self, username):
        if not second_factor_required(self.get_user()):
            super().password_accepted(username)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "size": 12}),
    )


class EnrolCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        help_text=_("The six digits the app shows after you added the key."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )
