"""What the site sends out, for tests: issue announcements, letters and Telegram posts."""

from tests.factories.audience import make_subscriber
from tests.factories.content import make_article, make_issue


def make_announcement(*, issue=None, **overrides):
    """An announcement of `issue` (a new published issue unless given), not sent yet."""
    from subscriptions.models import Announcement

    return Announcement.objects.create(**{"issue": issue or make_issue()} | overrides)


def make_letter(**overrides):
    """A letter waiting in the outbox."""
    from outbox.models import Letter

    fields = {"to": "reader@example.org", "subject": "Hi", "body": "Text", "kind": "test"}
    return Letter.objects.create(**fields | overrides)


def make_telegram_post(*, article=None, **overrides):
    """A Telegram post of `article` (a new published one unless given) in the article's language."""
    from reach.models import TelegramPost

    article = article or make_article()
    return TelegramPost.objects.create(**{"article": article, "language": article.language} | overrides)


def make_delivery(*, announcement=None, subscriber=None, **overrides):
    """One subscriber's letter of an announcement, waiting unless overridden."""
    from subscriptions.models import Delivery

    fields = {
        "announcement": announcement or make_announcement(),
        "subscriber": subscriber or make_subscriber(),
    }
    return Delivery.objects.create(**fields | overrides)
