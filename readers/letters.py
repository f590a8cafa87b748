"""The sign-in letter: a link and a code, in the language of the page where it was asked for.

It goes through the outbox (written in the request's transaction, delivered by a task after the
commit), so the answer to the request never waits for the mail server.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from outbox.models import Letter
from outbox.services import letter_send


def sign_in_letter_send(*, token, link, code):
    """Queue the letter of sign-in `token`, whose link token and code exist only here and in the letter."""
    with translation.override(token.language):
        context = {
            "link_url": settings.SITE_URL + reverse("readers:sign-in-link", kwargs={"token": link}),
            "code": code,
            "minutes": settings.READERS_SIGN_IN_MINUTES,
            "site_url": settings.SITE_URL,
            "language": token.language,
        }
        subject = render_to_string("readers/email/sign_in_subject.txt", context)
        body = render_to_string("readers/email/sign_in_body.txt", context)
        html = render_to_string("readers/email/sign_in_body.html", context)
    letter_send(
        to=token.email,
        subject=subject,
        body=body,
        html=html,
        kind=Letter.Kind.SIGN_IN,
        language=token.language,
    )
