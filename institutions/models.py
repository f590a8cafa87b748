from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from issues.days import day_start
from issues.models import TimeStampedModel

from .ranges import parse_address, parse_range

# Addresses anyone can get: a domain of these never proves that a reader works somewhere.
PUBLIC_MAIL_DOMAINS = frozenset(
    "gmail.com googlemail.com yahoo.com outlook.com hotmail.com live.com icloud.com mail.ru inbox.ru "
    "list.ru bk.ru yandex.ru yandex.com ya.ru rambler.ru proton.me protonmail.com".split()
)


def clean_domains(text):
    """The email domains in `text` (one a line), normalised: lower-cased, IDNA-encoded, no '@'."""
    domains, errors = [], []
    for line in (text or "").splitlines():
        domain = line.strip().lstrip("@").rstrip(".").lower()
        if not domain:
            continue
        try:
            DomainNameValidator()(domain)
            domain = domain.encode("idna").decode("ascii")
        except (ValidationError, UnicodeError):
            errors.append(_("“%(domain)s” is not a domain name.") % {"domain": line.strip()})
            continue
        if "." not in domain:
            errors.append(_("“%(domain)s” is not a domain name.") % {"domain": line.strip()})
        elif domain in PUBLIC_MAIL_DOMAINS:
            errors.append(
                _("“%(domain)s” is a public mail service: anyone can have an address there.")
                % {"domain": domain}
            )
        elif domain not in domains:
            domains.append(domain)
    if errors:
        raise ValidationError(errors, code="domains")
    return "\n".join(domains)


class InstitutionQuerySet(models.QuerySet):
    def live(self, now=None):
        """Institutions whose readers read now: active, within their period (mirror of is_live)."""
        today = timezone.localdate(now)
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), active=True, starts_on__lte=today)


class Institution(TimeStampedModel):
    """A ministry, a university, an embassy…: its networks and its staff's addresses read the whole text."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        UNIVERSITY = "university", _("University")
        EMBASSY = "embassy", _("Embassy")
        THINK_TANK = "think_tank", _("Think tank")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("The last day; empty: no end."))
    email_domains = models.TextField(
        _("email domains"),
        blank=True,
        help_text=_(
            "One a line, e.g. mfa.uz. A reader who signs in with an address at one of them (or its "
            "subdomains) reads the whole text until the end of the period, wherever they are."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="institution_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.email_domains = clean_domains(self.email_domains)
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": _("The last day must not come before the first.")}, code="ends_before"
            )

    def is_live(self, now=None):
        """Mirror of InstitutionQuerySet.live() for one institution."""
        today = timezone.localdate(now)
        return self.active and self.starts_on <= today and (self.ends_on is None or today <= self.ends_on)

    def domains(self):
        return [line for line in self.email_domains.splitlines() if line]

    def has_address(self, email):
        """True when `email` (normalised, as Reader.email) is at one of the domains or a subdomain."""
        domain = email.rpartition("@")[2].lower()
        return any(domain == d or domain.endswith("." + d) for d in self.domains())

    def period(self):
        """(starts_at, ends_at) of the period's days in the site's time zone; ends_at None: no end."""
        ends_at = day_start(self.ends_on + timedelta(days=1)) if self.ends_on else None
        return day_start(self.starts_on), ends_at


class InstitutionRangeQuerySet(models.QuerySet):
    def containing(self, address):
        """The ranges that hold `address` (text or ip_address): one indexed query."""
        if isinstance(address, str):
            address = parse_address(address)
        if address is None:
            return self.none()
        number = format(int(address), "032x")
        return self.filter(version=address.version, start__lte=number, end__gte=number)

    def overlapping(self, found):
        """The ranges sharing an address with AddressRange `found`."""
        return self.filter(version=found.version, start__lte=found.end, end__gte=found.start)


class InstitutionRange(models.Model):
    """A network of an institution: any visitor from it reads the whole text, without signing in."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="ranges"
    )
    text = models.CharField(
        _("address range"),
        max_length=100,
        help_text=_(
            "A network (10.0.0.0/8, 2001:db8::/32), a first and a last address "
            "(192.0.2.10-192.0.2.50) or one address."
        ),
    )
    version = models.PositiveSmallIntegerField(_("IP version"), editable=False)
    start = models.CharField(_("first address"), max_length=32, editable=False)
    end = models.CharField(_("last address"), max_length=32, editable=False)

    objects = InstitutionRangeQuerySet.as_manager()

    class Meta:
        ordering = ["version", "start"]
        verbose_name = _("address range")
        verbose_name_plural = _("address ranges")
        indexes = [models.Index(fields=["version", "start", "end"], name="institution_range_lookup")]
        constraints = [
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="institution_range_ordered"),
        ]

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        # The stored bounds always follow the text (clean() has refused bad text and overlaps).
        found = parse_range(self.text)
        self.text, self.version, self.start, self.end = str(found), found.version, found.start, found.end
        super().save(*args, **kwargs)

    def clean(self):
        try:
            found = parse_range(self.text)
        except ValidationError as error:
            raise ValidationError({"text": error.messages}, code="range") from None
        self.text, self.version, self.start, self.end = str(found), found.version, found.start, found.end
        others = InstitutionRange.objects.overlapping(found).select_related("institution")
        if self.institution_id:
            others = others.exclude(institution_id=self.institution_id)
        clash = others.first()
        if clash is not None:
            raise ValidationError(
                {
                    "text": _("%(range)s overlaps %(other)s of %(institution)s.")
                    % {"range": self.text, "other": clash.text, "institution": clash.institution.name}
                },
                code="overlap",
            )


class InstitutionReading(models.Model):
    """How many whole texts an institution's networks read in a month: a count, nobody's data."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="readings"
    )
    month = models.DateField(_("month"))
    count = models.PositiveIntegerField(_("articles read"), default=0)

    class Meta:
        ordering = ["-month", "institution_id"]
        verbose_name = _("readings in a month")
        verbose_name_plural = _("readings per month")
        constraints = [
            models.UniqueConstraint(fields=["institution", "month"], name="institution_reading_month"),
        ]

    def __str__(self):
        return f"{self.institution_id} {self.month:%Y-%m}: {self.count}"
