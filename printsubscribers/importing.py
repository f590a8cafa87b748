"""The distribution office's rows as print subscriptions, with django-import-export: cells and rows.

Cells as Excel and 1C write them: days as 31.12.2026 or 2026-12-31, numbers and postal codes typed as
numbers, no spreadsheet formulas. The file itself is read by printsubscribers/import_files.py (a file
that cannot be read is refused as a whole); a bad row is shown with its number and reason on the
confirm page, and nothing is imported until the file is clean.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from readers.services import reader_email

from .import_files import COLUMN_NAME
from .models import PrintSubscription, normalize_postal_code

FORMULA_STARTS = ("=", "+", "@")


# Widgets: cells as the distribution office writes them.


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in text):
            raise ValueError(_("A cell holds a control character; type its text again."))
        if text.startswith(FORMULA_STARTS):
            raise ValueError(
                _("A cell may not start with “%(sign)s” (a spreadsheet formula).") % {"sign": text[0]}
            )
        return text


class NumberWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # Excel keeps 1042 as 1042.0
        return super().clean(value, row, **kwargs)


class PostalCodeWidget(NumberWidget):
    def clean(self, value, row=None, **kwargs):
        return normalize_postal_code(super().clean(value, row, **kwargs))


class EmailWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            return ""
        try:
            return reader_email(text)
        except ValidationError as error:
            raise ValueError(_("“%(value)s” is not an email address.") % {"value": text[:100]}) from error


class DayWidget(widgets.DateWidget):
    """31.12.2026, 2026-12-31, or a date cell of a workbook."""

    FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = "" if value is None else str(value).strip()
        if not text:
            raise ValueError(_("The day is missing."))
        text = text.split(" ")[0]  # "31.12.2026 0:00:00" from a spreadsheet
        for fmt in self.FORMATS:
            try:
                day = datetime.strptime(text, fmt).date()
            except ValueError:
                continue
            if not 1900 <= day.year <= 2200:
                break
            return day
        raise ValueError(
            _("“%(value)s” is not a day: write 31.12.2026 or 2026-12-31.") % {"value": text[:40]}
        )


class PrintSubscriptionResource(resources.ModelResource):
    number = fields.Field(attribute="number", column_name=COLUMN_NAME["number"], widget=NumberWidget())
    name = fields.Field(attribute="name", column_name=COLUMN_NAME["name"], widget=TextWidget())
    email = fields.Field(attribute="email", column_name=COLUMN_NAME["email"], widget=EmailWidget())
    postal_code = fields.Field(
        attribute="postal_code", column_name=COLUMN_NAME["postal_code"], widget=PostalCodeWidget()
    )
    starts_on = fields.Field(attribute="starts_on", column_name=COLUMN_NAME["starts_on"], widget=DayWidget())
    ends_on = fields.Field(attribute="ends_on", column_name=COLUMN_NAME["ends_on"], widget=DayWidget())

    class Meta:
        model = PrintSubscription
        fields = ["number", "name", "email", "postal_code", "starts_on", "ends_on"]
        import_id_fields = ["number"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def before_import(self, dataset, **kwargs):
        self._numbers_seen = {}
        for column in (COLUMN_NAME["name"], COLUMN_NAME["email"]):  # optional: an absent one is empty
            if column not in dataset.headers:
                dataset.append_col([""] * len(dataset), header=column)

    def before_import_row(self, row, **kwargs):
        try:
            number = NumberWidget().clean(row.get(COLUMN_NAME["number"]))
        except ValueError as error:
            raise ValidationError({"number": str(error)}, code="invalid") from error
        if not number:
            raise ValidationError({"number": _("The subscriber number is missing.")}, code="no_number")
        row[COLUMN_NAME["number"]] = number
        row_number = kwargs.get("row_number")
        first = self._numbers_seen.setdefault(number, row_number)
        if first != row_number:
            raise ValidationError(
                {
                    "number": _("The number %(number)s is already in row %(row)s of this file.")
                    % {"number": number, "row": first}
                },
                code="duplicate",
            )

    def before_save_instance(self, instance, row, **kwargs):
        """A new period starts the reminders afresh."""
        if instance.pk:
            before = (
                PrintSubscription.objects.filter(pk=instance.pk).values_list("ends_on", flat=True).first()
            )
            if before != instance.ends_on:
                instance.reminded_30_at = instance.reminded_7_at = None

    def after_save_instance(self, instance, row, **kwargs):
        """The linked reader's grant follows the new days (ended at once if the period is over)."""
        from .services import subscription_grant_sync

        subscription_grant_sync(subscription=instance)
