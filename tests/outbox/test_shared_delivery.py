"""outbox.delivery: the one claim, retry schedule and failure state of letters and Telegram posts alike."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from outbox.tasks import letter_delivery
from reach.models import TelegramPost
from reach.services import telegram_posts_recover, telegram_posts_retry
from reach.tasks import telegram_delivery
from tests.factories import make_article, make_letter, make_telegram_post

pytestmark = pytest.mark.django_db


def make_post(**fields):
    return make_telegram_post(article=make_article(publish_at=timezone.now() - timedelta(days=3)), **fields)


KINDS = pytest.mark.parametrize(
    ("delivery", "make_row", "prefix"),
    [(letter_delivery, make_letter, "OUTBOX"), (telegram_delivery, make_post, "TELEGRAM")],
    ids=["letter", "telegram-post"],
)


@KINDS
def test_the_retry_schedule_grows_fourfold_from_each_kinds_setting(settings, delivery, make_row, prefix):
    setattr(settings, f"{prefix}_RETRY_SECONDS", 10)
    assert [delivery.retry_delay(attempts) for attempts in (1, 2, 3)] == [10, 40, 160]


@KINDS
def test_a_claimed_row_counts_its_attempt_and_is_not_claimed_again_while_its_claim_holds(
    settings, delivery, make_row, prefix
):
    setattr(settings, f"{prefix}_SENDING_TIMEOUT", 300)
    row = make_row()
    claimed = delivery.claim(row.pk)
    assert (claimed.status, claimed.attempts) == ("sending", 1)
    assert timedelta(seconds=295) < claimed.next_attempt_at - timezone.now() <= timedelta(seconds=300)
    assert delivery.claim(row.pk) is None


@KINDS
def test_a_row_abandoned_on_its_last_attempt_is_failed_for_good_and_logged(
    settings, caplog, delivery, make_row, prefix
):
    setattr(settings, f"{prefix}_MAX_ATTEMPTS", 2)
    past = timezone.now() - timedelta(seconds=1)
    row = make_row(status="sending", attempts=2, next_attempt_at=past)
    with caplog.at_level(logging.ERROR):
        assert delivery.claim(row.pk) is None
    row.refresh_from_db()
    assert (row.status, row.next_attempt_at, row.last_error) == ("failed", None, delivery.abandoned_error)
    [record] = [r for r in caplog.records if r.name == delivery.logger.name]
    assert f"{delivery.noun} {row.pk}: its worker stopped" in record.getMessage()


@KINDS
def test_a_failure_waits_for_a_given_delay_else_the_backoff_and_a_permanent_one_is_final(
    settings, delivery, make_row, prefix
):
    setattr(settings, f"{prefix}_RETRY_SECONDS", 60)
    first, second, third = (delivery.claim(make_row().pk) for _ in range(3))
    delivery.failed(first, "away")
    delivery.failed(second, "slow down", delay=7)
    delivery.failed(third, "refused", permanent=True)
    waits = []
    for row in (first, second, third):
        row.refresh_from_db()
        assert row.status == "failed"
        waits.append(row.next_attempt_at and round((row.next_attempt_at - timezone.now()).total_seconds()))
    assert waits == [60, 7, None]
    assert third.last_error == "refused"


@KINDS
def test_a_failure_reported_after_the_claim_was_taken_over_changes_nothing(delivery, make_row, prefix):
    row = delivery.claim(make_row().pk)
    type(row).objects.filter(pk=row.pk).update(attempts=2)  # another worker claimed it again since
    delivery.failed(row, "late")
    row.refresh_from_db()
    assert (row.status, row.last_error) == ("sending", "")


def test_a_post_sent_again_after_its_claim_ran_out_keeps_the_first_answer_and_warns(caplog):
    post = telegram_delivery.claim(make_post().pk)
    telegram_delivery.sent(post, message_id=1)
    with caplog.at_level(logging.WARNING, logger="reach.tasks"):
        telegram_delivery.sent(post, message_id=2)
    post.refresh_from_db()
    assert (post.status, post.message_id) == ("sent", 1)
    assert "was sent again after its claim ran out" in caplog.text


def test_cancelled_posts_may_be_sent_again_but_cancelled_letters_do_not_exist(task_queue):
    post = make_post(status=TelegramPost.Status.CANCELLED, attempts=1)
    sent = make_post(status=TelegramPost.Status.SENT)
    assert telegram_posts_retry(posts=TelegramPost.objects.all()) == 1
    post.refresh_from_db()
    assert (post.status, post.attempts) == ("queued", 0)
    assert "cancelled" not in letter_delivery.retriable
    assert TelegramPost.objects.get(pk=sent.pk).status == "sent"


def test_posts_whose_task_was_lost_are_queued_again(settings, task_queue):
    post = make_post()
    assert telegram_posts_recover() == 0  # too recent: its task may simply be waiting
    old = timezone.now() - timedelta(seconds=settings.TELEGRAM_SENDING_TIMEOUT + 1)
    TelegramPost.objects.filter(pk=post.pk).update(updated_at=old)
    assert telegram_posts_recover() == 1
    assert task_queue.waiting() == [("telegram_post_send", [post.pk])]
