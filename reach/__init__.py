"""The most-read list and the Telegram channel."""
