from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _, ngettext

from articles.models import ArticleBlock
from richtext.htmltext import html_merge, normalized, plain_text

TEXT_MAX_LENGTH = 20000
COMMENT_MAX_LENGTH = 2000


class SendForm(forms.Form):
    """The editor's form that sends an approval link."""

    email = forms.EmailField(label=_("Interviewee's email"), max_length=254)
    language = forms.ChoiceField(label=_("Language of the letter and the page"), choices=settings.LANGUAGES)
    days = forms.IntegerField(
        label=_("Link valid for (days)"), min_value=1, max_value=settings.APPROVALS_LINK_MAX_DAYS
    )
    message = forms.CharField(
        label=_("Message to the interviewee"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Optional; the letter already explains what to do."),
    )
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)


class AnswerForm(forms.Form):
    """The interviewee's answer: per block, the text (changed or not) and a comment; then a decision."""

    APPROVE, CHANGES = "approve", "changes"

    seen = forms.CharField(widget=forms.HiddenInput, max_length=64)
    comment = forms.CharField(
        label=_("A word to the editors"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answer = forms.CharField(required=False, max_length=20)  # the button pressed

    def __init__(self, *args, blocks, **kwargs):
        super().__init__(*args, **kwargs)
        self.blocks = blocks
        for number, block in enumerate(blocks, start=1):
            if block.kind != ArticleBlock.Kind.IMAGE:
                self.fields[f"text_{block.pk}"] = forms.CharField(
                    label=_("Your version of this text"),
                    required=False,
                    max_length=TEXT_MAX_LENGTH,
                    initial=plain_text(block.body),
                    strip=True,
                    widget=forms.Textarea(attrs={"rows": 6}),
                )
            self.fields[f"comment_{block.pk}"] = forms.CharField(
                label=_("Your comment on this block"),
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            block.number = number

    def block_rows(self):
        """Each block with its fields, open when the interviewee has written something in them."""
        rows = []
        for block in self.blocks:
            text = self[f"text_{block.pk}"] if f"text_{block.pk}" in self.fields else None
            comment = self[f"comment_{block.pk}"]
            written = (
                (text is not None and normalized(text.value() or "") != normalized(plain_text(block.body)))
                or bool((comment.value() or "").strip())
                or bool(self.is_bound and (comment.errors or (text is not None and text.errors)))
            )
            rows.append({"block": block, "text": text, "comment": comment, "open": written})
        return rows

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        proposals, changed, emptied = [], [], []
        for block in self.blocks:
            comment = cleaned.get(f"comment_{block.pk}", "")
            proposed = block.body
            if f"text_{block.pk}" in self.fields:
                text = cleaned.get(f"text_{block.pk}", "")
                if not text:
                    emptied.append(block.number)
                elif normalized(text) != normalized(plain_text(block.body)):
                    proposed = html_merge(block.body, text)
                    changed.append(block.number)
            if proposed != block.body or comment:
                proposals.append({"block": block, "proposed": proposed, "comment": comment})
        if emptied:
            raise ValidationError(
                ngettext(
                    "The text of block %(blocks)s is empty. To remove a block, leave its text and say so in "
                    "its comment.",
                    "The texts of blocks %(blocks)s are empty. To remove a block, leave its text and say so "
                    "in its comment.",
                    len(emptied),
                ),
                code="empty",
                params={"blocks": ", ".join(map(str, emptied))},
            )
        answer = cleaned.get("answer")
        if answer == self.APPROVE and proposals:
            numbers = ", ".join(str(item["block"].number) for item in proposals)
            raise ValidationError(
                _(
                    "You changed or commented on block %(blocks)s: send that with “Approve with my changes”, "
                    "or undo it to approve the text as it is."
                ),
                code="changes_with_approve",
                params={"blocks": numbers},
            )
        if answer == self.CHANGES and not proposals:
            raise ValidationError(
                _("You have not changed or commented on any block: approve the text as it is instead."),
                code="no_changes",
            )
        if answer not in (self.APPROVE, self.CHANGES):
            raise ValidationError(
                _("Choose one of the two buttons at the end of the page."), code="no_answer"
            )
        cleaned["proposals"] = proposals
        return cleaned
