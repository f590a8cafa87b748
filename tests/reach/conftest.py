import pytest

from .fake_bot_api import FakeBotApi

TOKEN = "123456:SECRET-TEST-TOKEN"


@pytest.fixture
def bot_api(settings):
    """The Telegram channel on, talking to a fake Bot API on loopback (no network)."""
    with FakeBotApi() as api:
        settings.TELEGRAM_BOT_TOKEN = TOKEN
        settings.TELEGRAM_CHANNEL = "@magazine_test"
        settings.TELEGRAM_API_URL = api.url
        settings.SITE_URL = "https://magazine.example.org"
        yield api
