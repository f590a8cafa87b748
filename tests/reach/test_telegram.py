from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from reach.models import TelegramPost
from reach.services import telegram_posts_detect
from reach.tasks import telegram_post_send
from tests.factories import image_file, make_article, make_issue, make_print_first, make_telegram_post

from .conftest import TOKEN

pytestmark = pytest.mark.django_db
Status = TelegramPost.Status


def publish(django_capture_on_commit_callbacks, **fields):
    with django_capture_on_commit_callbacks(execute=True):
        return make_article(publish_at=timezone.now() - timedelta(minutes=1), **fields)


def test_a_published_article_is_posted_once_with_title_lead_and_link(
    bot_api, django_capture_on_commit_callbacks
):
    article = publish(
        django_capture_on_commit_callbacks, title="Borders & water", lead="The <lead>.", language="ru"
    )
    assert bot_api.methods == ["sendMessage"]
    method, payload, _raw, path = bot_api.calls[0]
    assert path == f"/bot{TOKEN}/sendMessage"
    assert payload["chat_id"] == "@magazine_test"
    assert payload["parse_mode"] == "HTML"
    assert "<b>Borders &amp; water</b>" in payload["text"]
    assert "The &lt;lead&gt;." in payload["text"]
    assert f"https://magazine.example.org/ru/articles/{article.slug}/" in payload["text"]
    post = TelegramPost.objects.get()
    assert (post.article, post.language, post.status, post.attempts) == (article, "ru", Status.SENT, 1)
    assert post.message_id == 1000 and post.sent_at and post.text == payload["text"]
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Edited"
        article.save()
    assert len(bot_api.calls) == 1
    assert TelegramPost.objects.count() == 1


def test_the_payload_of_a_print_first_article_holds_only_its_public_part(
    bot_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_print_first(lead="", publish_at=timezone.now() - timedelta(minutes=1))
    assert bot_api.methods == ["sendMessage"]
    _method, payload, raw, _path = bot_api.calls[0]
    assert "Public opening words." in payload["text"]
    assert b"HIDDENMARKER" not in raw
    assert "HIDDENMARKER" not in TelegramPost.objects.get().text


def test_an_article_with_a_cover_is_posted_as_a_photo_with_its_public_address(
    bot_api, django_capture_on_commit_callbacks
):
    publish(django_capture_on_commit_callbacks, cover=image_file())
    _method, payload, _raw, _path = bot_api.calls[0]
    assert bot_api.methods == ["sendPhoto"]
    assert payload["photo"].startswith("https://magazine.example.org/media/")
    assert "<b>" in payload["caption"] and len(payload["caption"]) <= 1024


def test_a_refused_photo_falls_back_to_the_text_alone(bot_api, django_capture_on_commit_callbacks):
    bot_api.answer(400, ok=False, error_code=400, description="Bad Request: wrong file identifier/HTTP URL")
    publish(django_capture_on_commit_callbacks, cover=image_file())
    assert bot_api.methods == ["sendPhoto", "sendMessage"]
    assert TelegramPost.objects.get().status == Status.SENT


def test_a_long_lead_is_cut_to_the_caption_limit(bot_api, django_capture_on_commit_callbacks):
    publish(django_capture_on_commit_callbacks, cover=image_file(), lead="word & " * 600)
    _method, payload, _raw, _path = bot_api.calls[0]
    assert len(payload["caption"]) <= 1024
    assert payload["caption"].endswith("/")


def post_of(article):
    return TelegramPost.objects.get(article=article)


def test_429_is_tried_again_after_telegrams_retry_after(bot_api, django_capture_on_commit_callbacks):
    bot_api.answer(
        429, ok=False, error_code=429, description="Too Many Requests", parameters={"retry_after": 37}
    )
    before = timezone.now()
    article = publish(django_capture_on_commit_callbacks)
    post = post_of(article)
    assert post.status == Status.FAILED and "429" in post.last_error
    assert timedelta(seconds=36) <= post.next_attempt_at - before <= timedelta(seconds=40)
    assert telegram_post_send.call(post.pk) == "not due"  # its time has not come
    TelegramPost.objects.filter(pk=post.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert telegram_post_send.call(post.pk) == "sent"
    assert post_of(article).attempts == 2
    assert len(bot_api.calls) == 2


def test_400_is_permanent_and_shown(bot_api, django_capture_on_commit_callbacks):
    bot_api.answer(400, ok=False, error_code=400, description="Bad Request: chat not found")
    article = publish(django_capture_on_commit_callbacks)
    post = post_of(article)
    assert post.status == Status.FAILED and post.next_attempt_at is None
    assert post.last_error == "Telegram answered 400: Bad Request: chat not found"
    assert TOKEN not in post.last_error
    assert telegram_post_send.call(post.pk) == "not due"
    assert len(bot_api.calls) == 1


def test_5xx_is_retried_with_backoff_a_bounded_number_of_times(
    bot_api, settings, django_capture_on_commit_callbacks
):
    settings.TELEGRAM_MAX_ATTEMPTS = 3
    settings.TELEGRAM_RETRY_SECONDS = 10
    for _ in range(3):
        bot_api.answer(500, ok=False, error_code=500, description="Internal Server Error")
    before = timezone.now()
    article = publish(django_capture_on_commit_callbacks)
    post = post_of(article)
    assert post.status == Status.FAILED and "500" in post.last_error
    assert timedelta(seconds=9) <= post.next_attempt_at - before <= timedelta(seconds=12)
    delays = []
    for _ in range(2):
        TelegramPost.objects.filter(pk=post.pk).update(next_attempt_at=timezone.now())
        moment = timezone.now()
        assert telegram_post_send.call(post.pk) == "failed"
        post = post_of(article)
        delays.append(post.next_attempt_at and (post.next_attempt_at - moment).total_seconds())
    assert 39 <= delays[0] <= 42  # 10 s × 4
    assert delays[1] is None  # the third failure was the last attempt
    assert post.attempts == 3 and len(bot_api.calls) == 3
    assert telegram_post_send.call(post.pk) == "not due"


def test_an_unreachable_bot_api_is_retried(settings, bot_api, django_capture_on_commit_callbacks):
    settings.TELEGRAM_API_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    article = publish(django_capture_on_commit_callbacks)
    post = post_of(article)
    assert post.status == Status.FAILED and post.next_attempt_at is not None
    assert "could not be reached" in post.last_error and TOKEN not in post.last_error


def test_nothing_is_posted_when_the_token_is_unset(settings, bot_api, django_capture_on_commit_callbacks):
    settings.TELEGRAM_BOT_TOKEN = ""
    publish(django_capture_on_commit_callbacks)
    assert not TelegramPost.objects.exists() and not bot_api.calls


def test_languages_without_a_channel_are_not_posted(settings, bot_api, django_capture_on_commit_callbacks):
    settings.TELEGRAM_CHANNEL = "uz=@magazine_uz, ru=@magazine_ru"
    publish(django_capture_on_commit_callbacks, language="en")
    publish(django_capture_on_commit_callbacks, language="ru")
    assert [payload["chat_id"] for _m, payload, *_ in bot_api.calls] == ["@magazine_ru"]


def test_a_scheduled_article_is_posted_when_its_time_comes(bot_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(publish_at=timezone.now() + timedelta(hours=1))
    assert not TelegramPost.objects.exists()
    assert telegram_posts_detect() == []
    # Its time comes (the clock moved on): the next detection finds it, once.
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert [post.article for post in telegram_posts_detect()] == [article]
    with django_capture_on_commit_callbacks(execute=True):
        assert telegram_posts_detect() == []
    assert bot_api.methods == ["sendMessage"]


def test_the_periodic_command_posts_due_articles(bot_api, django_capture_on_commit_callbacks):
    article = make_article(publish_at=timezone.now() + timedelta(hours=1))
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reach_tick", stdout=open("/dev/null", "w"))
    assert post_of(article).status == Status.SENT


def test_a_scheduled_article_queues_a_run_at_its_moment(
    bot_api, task_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_article(publish_at=timezone.now() + timedelta(hours=1))
    assert [name for name, _args in task_queue.waiting()] == ["telegram_due_task"]


def test_an_article_of_an_unpublished_issue_waits_for_the_issue(bot_api, django_capture_on_commit_callbacks):
    issue = make_issue(is_published=False)
    article = publish(django_capture_on_commit_callbacks, issue=issue)
    assert not TelegramPost.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        issue.is_published = True
        issue.save()
    assert post_of(article).status == Status.SENT


def test_old_articles_are_not_posted_when_edited(bot_api, django_capture_on_commit_callbacks):
    article = make_article(publish_at=timezone.now() - timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert not TelegramPost.objects.exists()


def test_an_article_unpublished_before_its_post_is_cancelled(bot_api, django_capture_on_commit_callbacks):
    article = make_article()
    post = make_telegram_post(article=article, language=article.language)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    assert telegram_post_send.call(post.pk) == "cancelled"
    assert post_of(article).status == Status.CANCELLED and not bot_api.calls


def test_the_admin_lists_posts_with_status_and_error(admin_client, django_assert_max_num_queries):
    for n in range(5):
        make_telegram_post(
            article=make_article(),
            language="uz",
            status=Status.FAILED,
            last_error=f"Telegram answered 400: n{n}",
        )
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:reach_telegrampost_changelist"))
    assert response.status_code == 200
    assert "Telegram answered 400: n3" in response.content.decode()


def test_the_admin_retry_action_posts_again(bot_api, admin_client, django_capture_on_commit_callbacks):
    post = make_telegram_post(
        article=make_article(publish_at=timezone.now() - timedelta(days=3)),
        language="uz",
        status=Status.FAILED,
        attempts=5,
        last_error="Telegram answered 400: chat not found",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:reach_telegrampost_changelist"),
            {"action": "retry_selected", "_selected_action": [post.pk]},
        )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Status.SENT and post.attempts == 1 and post.last_error == ""


def test_editors_may_see_and_retry_but_not_edit(editor_client):
    post = make_telegram_post(article=make_article(), language="uz", status=Status.FAILED)
    assert editor_client.get(reverse("admin:reach_telegrampost_changelist")).status_code == 200
    response = editor_client.get(reverse("admin:reach_telegrampost_change", args=[post.pk]))
    assert response.status_code == 200 and b'name="status"' not in response.content
    assert editor_client.get(reverse("admin:reach_telegrampost_add")).status_code == 403


def test_the_dashboard_shows_failed_posts(admin_client):
    make_telegram_post(
        article=make_article(), language="uz", status=Status.FAILED, last_error="Telegram answered 400: gone"
    )
    content = admin_client.get(reverse("admin:index")).content.decode()
    assert "Telegram posts failed" in content
    assert "Telegram answered 400: gone" in content


@pytest.mark.parametrize(("lead", "limit"), [("word & " * 600, 1024), ("<&>" * 3000, 4096), ("short", 1024)])
def test_the_text_fits_telegrams_limits_and_ends_with_the_link(lead, limit):
    from reach.telegram import post_text

    article = make_article(lead=lead, publish_at=timezone.now() - timedelta(days=3))
    text = post_text(article, limit=limit)
    assert len(text) <= limit
    assert text.endswith(f"/articles/{article.slug}/")
    assert "&amp;" in text or "short" in text
