import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from .models import Comment

RENDERED_AT_SALT = "comments.rendered-at"
# Right-to-left/left-to-right overrides and isolates: they can make a comment display as something else.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\n\r\t")
NUL_MESSAGE = _("Remove the null characters (NUL bytes); they cannot be stored.")


def rendered_at_token(now=None):
    return signing.dumps(now if now is not None else time.time(), salt=RENDERED_AT_SALT)


def check_characters(value, *, multiline=False):
    """Refuse direction-control and other control characters (line breaks only where text has lines)."""
    if BIDI_CONTROLS.intersection(value):
        raise forms.ValidationError(
            _("Remove the text-direction control characters (such as the right-to-left override)."),
            code="bidi",
        )
    allowed = LINE_BREAKS if multiline else frozenset()
    if any((ord(ch) < 32 or ord(ch) == 127) and ch not in allowed for ch in value):
        raise forms.ValidationError(_("Remove the invisible control characters."), code="control")
    return value


class CommentForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        queryset=Comment.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("The comment you are replying to cannot be found.")},
    )
    remember = forms.BooleanField(
        label=_("Remember my name and email in this browser for the next time I comment."), required=False
    )
    # Honeypot: hidden from people by CSS, filled in by robots. What that means is moderation's call.
    homepage = forms.CharField(label=_("Leave this field empty"), required=False)
    rendered_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Comment
        fields = ["author_name", "author_email", "author_url", "body", "parent"]
        help_texts = {"author_email": _("Your email address will not be published.")}
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        error_messages = {
            "author_name": {"required": _("Please enter your name.")},
            "author_email": {
                "required": _("Please enter your email address."),
                "invalid": _("Enter a valid email address, like name@example.com."),
            },
            "author_url": {"invalid": _("Enter a web address that starts with http:// or https://.")},
            "body": {"required": _("Please write your comment.")},
        }

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.article = article
        for field in self.fields.values():
            field.error_messages["null_characters_not_allowed"] = NUL_MESSAGE
        self.fields["body"].widget.attrs["maxlength"] = settings.COMMENTS_MAX_LENGTH
        self.fields["homepage"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.fields["rendered_at"].initial = rendered_at_token()

    def clean_author_name(self):
        return check_characters(self.cleaned_data["author_name"])

    def clean_author_url(self):
        return check_characters(self.cleaned_data["author_url"])

    def clean_body(self):
        return check_characters(self.cleaned_data["body"], multiline=True)

    def clean_rendered_at(self):
        """Seconds since the form was shown; a missing or altered stamp is an error."""
        try:
            shown_at = float(signing.loads(self.cleaned_data["rendered_at"], salt=RENDERED_AT_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            raise forms.ValidationError(
                _("This form is incomplete or was altered. Reload the page and post your comment again."),
                code="rendered_at",
            ) from None
        return time.time() - shown_at

    @property
    def honeypot_filled(self):
        return bool(self.cleaned_data.get("homepage"))
