"""Publication detection on save: an article saved live, or an issue published, is posted to Telegram."""

from django.db.models.signals import post_save

from articles.models import Article
from issues.models import Issue

from .services import telegram_posts_detect, telegram_schedule
from .telegram import is_enabled


def connect():
    post_save.connect(article_saved, sender=Article, dispatch_uid="reach-telegram-article")
    post_save.connect(issue_saved, sender=Issue, dispatch_uid="reach-telegram-issue")


def article_saved(sender, instance, raw=False, **kwargs):
    if raw or not is_enabled():
        return
    telegram_posts_detect(articles=Article.objects.filter(pk=instance.pk))
    telegram_schedule(instance)


def issue_saved(sender, instance, raw=False, **kwargs):
    if raw or not is_enabled() or not instance.is_published:
        return
    telegram_posts_detect(articles=Article.objects.filter(issue=instance))
