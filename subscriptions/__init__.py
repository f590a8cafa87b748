"""Email subscribers: double opt-in, unsubscribe and issue announcements."""
