from django.core import checks
from django.core.mail import InvalidMailer, mailers


@checks.register("outbox")
def mailer_configured(**kwargs):
    """A mail set-up Django refuses (a file backend without its folder…) stops `check`, not every letter."""
    try:
        mailers.default  # noqa: B018 -- building the mailer is the check
    except (InvalidMailer, OSError) as error:
        return [
            checks.Error(
                f"The mail set-up is broken: {error}",
                hint="See README, Email: EMAIL_BACKEND and the EMAIL_* variables.",
                id="outbox.E001",
            )
        ]
    return []
