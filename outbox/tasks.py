"""The letters' delivery task: each run sends a letter at most once; outbox.delivery does the rest.

The claim, the retries with backoff and the at-least-once window after a killed worker are
outbox.delivery's, with the OUTBOX_* settings.
"""

from django.core.mail import mailers
from django.tasks import task

from .delivery import Delivery
from .models import Letter


class MailNotAccepted(Exception):
    """The mail backend returned without sending (a backend that fails silently)."""


@task
def letter_deliver(letter_id: int) -> str:
    """Send letter `letter_id` if it is due; run it any number of times, it sends the letter once."""
    letter = letter_delivery.claim(letter_id)
    if letter is None:
        return "not due"
    try:
        if not mailers.default.send_messages([letter.message()]):
            raise MailNotAccepted("the mail backend accepted no message")
    except Exception as error:  # a broken set-up, a refused address, a server away: recorded, retried
        letter_delivery.failed(letter, f"{type(error).__name__}: {error}")
        return "failed"
    letter_delivery.sent(letter)
    return "sent"


letter_delivery = Delivery(
    model=Letter,
    task=letter_deliver,
    prefix="OUTBOX",
    describe=lambda letter: f"Letter {letter.pk} ({letter.kind}) to {letter.to}",
    abandoned_error="The worker stopped while sending the last attempt; the letter may not have left.",
)
