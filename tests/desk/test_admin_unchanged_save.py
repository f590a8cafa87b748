"""The rule for every model admin: opening an object's change form and saving it unchanged changes nothing."""

import io
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, EmbargoSettings
from comments.models import DiscussionSettings
from issues.models import Issue
from outbox.services import letter_send
from printsubscribers.services import subscription_link
from readers.models import AccessGrant
from revisions.admin_revisions import RevisionAdminMixin
from revisions.models import Revision
from subscriptions.models import Announcement
from tests.factories import (
    make_comment,
    make_delivery,
    make_event,
    make_grant,
    make_reader,
    make_subscriber,
    make_subscription,
    make_telegram_post,
)
from tests.html_forms import read_form

pytestmark = pytest.mark.django_db


def make_objects_the_demo_lacks():
    """Rows for the registered models the demo does not fill, with the values that are hard to round-trip:
    times with microseconds (as `timezone.now()` gives them) and several lines of text.
    """
    now = timezone.now()
    make_event(
        title="Round table on water",
        starts_at=now + timedelta(days=3, microseconds=123456),
        ends_at=now + timedelta(days=3, hours=2),
        place="Tashkent\nChinor street, 9",  # imported: a line break a one-line input cannot show
        description="<p>Experts meet.</p>\n<p>Entry is free.</p>",
        link="https://example.org/round-table",
        is_published=True,
    )
    article = Article.objects.published().first()
    first = make_comment(article=article, body="First line.\nSecond line, https://example.org/x")
    make_comment(parent=first, body="A reply.", status="pending")
    DiscussionSettings.objects.update_or_create(
        pk=1, defaults={"blocked_words": "casino\nloan", "blocked_emails": "@spam.example"}
    )
    subscriber = make_subscriber(
        email="reader@example.com", language="ru", status="confirmed", confirmed_at=now
    )
    announcement = Announcement.objects.create(issue=Issue.objects.published().first(), started_at=now)
    make_delivery(
        announcement=announcement, subscriber=subscriber, status="failed", attempts=1, last_error="refused"
    )
    # The embargo's row, a reader and their grant (times to the microsecond, a note of several lines).
    EmbargoSettings(open_after_days=180).save()
    reader = make_reader(email="dilnoza@example.uz", language="uz", verified_at=now)
    grant = make_grant(
        reader=reader,
        scope=AccessGrant.Scope.ISSUES,
        starts_at=now - timedelta(days=3, microseconds=654321),
        ends_at=now + timedelta(days=300, microseconds=123456),
        note="Subscriber 1042.\nPaid in cash.",
    )
    grant.issues.set([Issue.objects.published().first()])
    # A batch of codes from the issue, one of them redeemed (issuecodes).
    from issuecodes.models import CodeBatch
    from issuecodes.services import batch_create, code_redeem

    codes = batch_create(
        batch=CodeBatch(issue=grant.issues.get(), count=2, access_days=30, note="Kiosks.\nTashkent.")
    )
    code_redeem(reader=reader, text=codes[0])
    # A print subscription linked to a reader, with its grant (printsubscribers).
    subscription = make_subscription(
        number="1042", name="Dilnoza", postal_code="100017", starts_on=now.date(), ends_on=now.date()
    )
    subscription_link(subscription=subscription, reader=reader)
    # An institution with ranges of both families, domains and a month's readings (institutions).
    from institutions.models import Institution, InstitutionRange
    from institutions.services import reading_count

    institution = Institution.objects.create(
        name="Ministry of Foreign Affairs",
        kind=Institution.Kind.MINISTRY,
        contact_name="Aziz",
        starts_on=now.date(),
        ends_on=now.date() + timedelta(days=365),
        email_domains="mfa.uz\nconsulate.mfa.uz",
    )
    for text in ("10.0.0.0/8", "192.0.2.10-192.0.2.50", "2001:db8::/32"):
        InstitutionRange.objects.create(institution=institution, text=text)
    reading_count(institution)
    # A letter waiting in the outbox, and the task that will deliver it.
    letter_send(to=subscriber.email, subject="Confirm", body="Line one.\nLine two.", kind="confirmation")
    # A failed Telegram post of an article (reach; read-only in the admin).

    make_telegram_post(article=article, language=article.language, status="failed", last_error="400\nx")


def stored_row(obj):
    """The stored values of `obj`'s concrete fields (file fields by name), bookkeeping times left out."""
    obj = type(obj)._default_manager.get(pk=obj.pk)
    values = {}
    for field in obj._meta.concrete_fields:
        if getattr(field, "auto_now", False):  # updated_at: a save is a save
            continue
        value = field.value_from_object(obj)
        values[field.name] = value.name if isinstance(field, models.FileField) else value
    for field in obj._meta.many_to_many:  # django-taggit's tags included
        values[field.name] = sorted((row.pk, str(row)) for row in field.value_from_object(obj))
    return values


def parent_key(inline_model, parent_model, fk_name=None):
    return next(
        field
        for field in inline_model._meta.concrete_fields
        if field.is_relation
        and field.related_model == parent_model
        and (fk_name is None or field.name == fk_name)
    )


def stored_state(model_admin, obj):
    """`obj` as stored, with the rows its admin edits inline."""
    children = {}
    for inline in model_admin.get_inlines(None, obj):
        key = parent_key(inline.model, model_admin.model, inline.fk_name)
        rows = inline.model._default_manager.filter(**{key.name: obj}).order_by("pk")
        children[inline.model._meta.label] = [stored_row(row) for row in rows]
    return {"row": stored_row(obj), "inlines": children}


def post_as_browser(client, url, form):
    data = form.entries(submitter="_save")
    if form.enctype == "multipart/form-data":
        return client.post(url, data)
    return client.post(url, urlencode(data, doseq=True), content_type=form.enctype)


def save_unchanged(client, model_admin, obj):
    """Open the change page of `obj`, post its form as a browser would; return a problem, or None."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    page = client.get(url)
    if page.status_code != 200:
        return f"GET answered {page.status_code}"
    form = read_form(page.content.decode(), f"{opts.model_name}_form")
    if "_save" not in form.submitters:  # a read-only admin: nothing to save, nothing may change
        return None if not model_admin.has_change_permission(page.wsgi_request, obj) else "no Save button"
    before = stored_state(model_admin, obj)
    response = post_as_browser(client, url, form)
    if response.status_code != 302:
        errors = response.context and response.context.get("errors")
        return f"POST answered {response.status_code}: {errors or response.content[:300]}"
    after = stored_state(model_admin, obj)
    if after != before:
        return "changed: " + "; ".join(describe_changes(before, after))
    if isinstance(model_admin, RevisionAdminMixin):
        comment = Revision.objects.for_object(obj).values_list("comment", flat=True).first()
        if comment != "Saved without changes.":
            return f"the revision says {comment!r}"
    return None


def describe_changes(before, after):
    def short(value):
        text = repr(value)
        return text if len(text) < 160 else f"{text[:150]}…"

    changes = [
        f"{name}: {short(value)} → {short(after['row'][name])}"
        for name, value in before["row"].items()
        if after["row"][name] != value
    ]
    for label, rows in before["inlines"].items():
        if after["inlines"][label] != rows:
            changes.append(f"{label}: {short(rows)} → {short(after['inlines'][label])}")
    return changes


def test_saving_any_object_unchanged_in_the_admin_changes_nothing(
    admin_client, task_queue, django_capture_on_commit_callbacks
):
    """Every registered admin, every demo object (and a made one where the demo has none)."""
    call_command("seed_demo", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        make_objects_the_demo_lacks()
    covered, problems = set(), []
    for model, model_admin in admin.site._registry.items():
        objects = list(model._default_manager.all())
        for obj in objects:
            if problem := save_unchanged(admin_client, model_admin, obj):
                problems.append(f"{model._meta.label} {obj.pk} ({obj}): {problem}")
        if objects:
            covered.add(model)
    assert covered == set(admin.site._registry), "admins with no object to open"
    assert not problems, "\n".join(problems)
