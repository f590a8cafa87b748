"""Signing readers in, and reading the sign-in letters they receive, for the readers tests."""

import re
from urllib.parse import urlsplit

from readers.sessions import SESSION_KEY

LINK = re.compile(r"https?://[^\s\"<>]+/account/sign-in/link/([^/\s\"<>]+)/")
CODE = re.compile(r"^\s*(\d{6})\s*$", re.M)


def sign_in_as(client, reader):
    """Put `reader` in `client`'s session, as a sign-in with a letter would."""
    session = client.session
    session[SESSION_KEY] = [reader.pk, reader.session_generation]
    session.save()
    return client


def letter_link(message):
    """The path of the sign-in link in a letter (the site URL cut off)."""
    return urlsplit(LINK.search(message.body)[0]).path


def letter_token(message):
    return LINK.search(message.body)[1]


def letter_code(message):
    return CODE.search(message.body)[1]
