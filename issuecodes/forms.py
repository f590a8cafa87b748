from django import forms
from django.utils.translation import gettext_lazy as _

from .codes import code_normalise
from .models import CodeBatch

# The most codes one batch makes: the ZIP (a PNG and an SVG per code) is built in the request.
MAX_CODES = 1000
MAX_SHARED = 1_000_000


class RedeemForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the printed issue"),
        max_length=40,
        help_text=_("Ten letters and digits, as printed: XXXXX-XXXXX. Small letters and spaces are fine."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "size": 14}
        ),
    )

    def clean_code(self):
        code_normalise(self.cleaned_data["code"])  # a clear message for what cannot be a code
        return self.cleaned_data["code"]


class CodeBatchAddForm(forms.ModelForm):
    class Meta:
        model = CodeBatch
        fields = ["issue", "kind", "count", "access_days", "language", "note"]

    def clean(self):
        cleaned = super().clean()
        kind, count = cleaned.get("kind"), cleaned.get("count")
        if count is not None:
            if count < 1:
                self.add_error("count", forms.ValidationError(_("Make at least one."), code="min"))
            elif kind == CodeBatch.Kind.SINGLE_USE and count > MAX_CODES:
                self.add_error(
                    "count",
                    forms.ValidationError(
                        _("At most %(max)d single-use codes in one batch; make several batches."),
                        code="max",
                        params={"max": MAX_CODES},
                    ),
                )
            elif count > MAX_SHARED:
                self.add_error(
                    "count",
                    forms.ValidationError(
                        _("At most %(max)d readers for one shared code."),
                        code="max",
                        params={"max": MAX_SHARED},
                    ),
                )
        days = cleaned.get("access_days")
        if days is not None and not 1 <= days <= 36500:
            self.add_error(
                "access_days", forms.ValidationError(_("Between 1 and 36500 days, or empty."), code="range")
            )
        return cleaned
