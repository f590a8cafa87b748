"""Two workers or two detections at the same moment: one post per article and language, reads moved once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reach import reads
from reach.models import DailyReadCount, TelegramPost
from reach.services import telegram_posts_detect
from reach.tasks import telegram_post_send
from tests.concurrency import run_together
from tests.factories import make_article, make_telegram_post

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_detections_at_once_write_and_send_one_post(bot_api):
    article = make_article(publish_at=timezone.now() + timedelta(hours=1))  # scheduled: not detected yet
    type(article).objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    outcomes = run_together(lambda: len(telegram_posts_detect()), times=3)
    assert sorted(outcomes) == [0, 0, 1]
    assert TelegramPost.objects.get().status == TelegramPost.Status.SENT
    assert bot_api.methods == ["sendMessage"]


def test_two_workers_sending_one_post_send_it_once(bot_api):
    article = make_article(publish_at=timezone.now() - timedelta(days=3))
    post = make_telegram_post(article=article, language=article.language)
    outcomes = run_together(lambda: telegram_post_send.call(post.pk), times=3)
    assert sorted(outcomes) == ["not due", "not due", "sent"]
    assert len(bot_api.calls) == 1


def test_two_folds_at_once_move_each_read_once():
    article = make_article()
    for _ in range(5):
        reads.read_count(article.slug)
    outcomes = run_together(reads.reads_fold, times=2)
    assert sorted(outcomes) == [0, 5]
    assert DailyReadCount.objects.get().count == 5
